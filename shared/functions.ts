/**
 * The Lambda functions, written once: CDK makes a NodejsFunction of each entry, and the local
 * runtime imports the same entry. `aslKey` is the definition substitution that names the
 * function inside statemachines/referral.asl.json.
 */
export const lambdaFunctions = {
  createReferral: { entry: 'functions/create-referral/handler.ts', description: 'POST /referrals: validate, store, start workflow' },
  getReferral: { entry: 'functions/get-referral/handler.ts', description: 'GET /referrals/{id}: status and timeline' },
  screenReferral: {
    entry: 'functions/screen-referral/handler.ts',
    description: 'Workflow: screen red flags and suggest a service',
    aslKey: 'ScreenReferralFunctionArn',
  },
  notifyPatient: {
    entry: 'functions/notify-patient/handler.ts',
    description: 'Workflow: text the patient',
    aslKey: 'NotifyPatientFunctionArn',
  },
  recordFailure: {
    entry: 'functions/record-failure/handler.ts',
    description: 'Workflow: record a failed step',
    aslKey: 'RecordFailureFunctionArn',
  },
} as const;

export type FunctionName = keyof typeof lambdaFunctions;
