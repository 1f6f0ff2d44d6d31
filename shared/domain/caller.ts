/** Who is calling, as the API's authorizer established it. */
export interface Caller {
  /** The OAuth client id of the referring system (Cognito client credentials). */
  clientId: string;
}
