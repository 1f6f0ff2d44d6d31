/**
 * FHIR R4 resource types (DefinitelyTyped's @types/fhir, R4 namespace), named once here so that the
 * rest of the code imports them like any other type.
 */
/// <reference types="fhir" />

export type Bundle = fhir4.Bundle;
export type BundleEntry = fhir4.BundleEntry;
export type CodeableConcept = fhir4.CodeableConcept;
export type Coding = fhir4.Coding;
export type FhirResource = fhir4.FhirResource;
export type MessageHeader = fhir4.MessageHeader;
export type OperationOutcome = fhir4.OperationOutcome;
export type OperationOutcomeIssue = fhir4.OperationOutcomeIssue;
export type Reference = fhir4.Reference;
export type ServiceRequest = fhir4.ServiceRequest;
export type Task = fhir4.Task;
