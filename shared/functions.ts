/**
 * The Lambda functions, written once: CDK makes a NodejsFunction of each entry, and the local
 * runtime imports the same entry. `aslKey` is the definition substitution that names the
 * function inside statemachines/referral.asl.json.
 */
export const lambdaFunctions = {
  // API and pages
  createReferral: { entry: 'functions/create-referral/handler.ts', description: 'POST /referrals: validate, store, start workflow' },
  getReferral: { entry: 'functions/get-referral/handler.ts', description: 'GET /referrals/{id}: status and timeline' },
  provideInformation: {
    entry: 'functions/provide-information/handler.ts',
    description: 'POST /referrals/{id}/information: answer a question',
  },
  fhirProcessMessage: {
    entry: 'functions/fhir-process-message/handler.ts',
    description: 'POST /fhir/$process-message: a FHIR referral message, validated, stored, workflow started',
  },
  fhirRead: {
    entry: 'functions/fhir-read/handler.ts',
    description: 'GET /fhir/ServiceRequest/{id}, /fhir/Task: a referral and its status as FHIR',
  },
  taskPage: { entry: 'functions/task-page/handler.ts', description: 'GET /tasks/{link}: decision page (reads only)' },
  taskDecision: {
    entry: 'functions/task-decision/handler.ts',
    description: 'POST /tasks/{link}: record a decision once, resume the workflow',
  },
  publicPages: {
    entry: 'functions/public-pages/handler.ts',
    description: 'Self-care page, static assets and the OpenAPI document',
    copyAssets: true,
  },
  patientPage: { entry: 'functions/patient-page/handler.ts', description: "GET /a/{link}: the patient's booking or appointment page" },
  patientAction: { entry: 'functions/patient-action/handler.ts', description: 'POST /a/{link}: book, change or cancel' },
  selfReferral: { entry: 'functions/self-referral/handler.ts', description: 'The self-referral form and its intake' },
  admin: { entry: 'functions/admin/handler.ts', description: 'Staff: load clinics and appointment slots' },
  reporting: {
    entry: 'functions/reporting/handler.ts',
    description: 'Staff: figures (JSON, CSV), the dashboard and audit trails (records who viewed which)',
  },
  staffWorkspace: {
    entry: 'functions/staff-workspace/handler.ts',
    description: 'Staff: the workspace, its queues, claims, search and the access log',
  },
  staffTimetable: {
    entry: 'functions/staff-timetable/handler.ts',
    description: 'Service lead: clinics, timetable sessions, cancelling a session or a slot',
  },
  staffSignIn: { entry: 'functions/staff-sign-in/handler.ts', description: 'Staff: browser sign-in through the staff pool (PKCE)' },
  staffAuthorizer: {
    entry: 'functions/staff-authorizer/handler.ts',
    description: 'API Gateway authorizer: a staff ID token from the header or the session cookie',
  },
  // Scheduled
  startStalledReferrals: {
    entry: 'functions/start-stalled-referrals/handler.ts',
    description: 'Every 15 minutes: start the workflow of any referral stored but never started',
  },
  topUpTimetable: {
    entry: 'functions/top-up-timetable/handler.ts',
    description: "Daily: make every timetable session's slots up to TIMETABLE_WEEKS_AHEAD ahead",
  },
  removePersonalData: {
    entry: 'functions/remove-personal-data/handler.ts',
    description: "Daily: the retention rule removes closed referrals' personal data",
  },
  // Status sent back to referrer systems (stream → queue → callback; dead letters to staff)
  captureStatusChanges: {
    entry: 'functions/capture-status-changes/handler.ts',
    description: "The table's stream: queue each status change of a referral whose referrer has a callback",
  },
  deliverCallbacks: {
    entry: 'functions/deliver-callbacks/handler.ts',
    description: "The callback queue: sign and POST each status change to its referrer's callback",
  },
  callbackFailed: {
    entry: 'functions/callback-failed/handler.ts',
    description: 'The callback dead-letter queue: a status change never delivered, put before the service lead',
  },
  // Workflow steps
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
  emailStaff: {
    entry: 'functions/email-staff/handler.ts',
    description: 'Workflow: email a staff topic (emergency, booking worklist)',
    aslKey: 'EmailStaffFunctionArn',
  },
  redirectEmergency: {
    entry: 'functions/redirect-emergency/handler.ts',
    description: 'Workflow: emergency, text the patient to go to A&E',
    aslKey: 'RedirectEmergencyFunctionArn',
  },
  openTask: {
    entry: 'functions/open-task/handler.ts',
    description: 'Workflow: open a human step behind a link',
    aslKey: 'OpenTaskFunctionArn',
  },
  taskTimer: {
    entry: 'functions/task-timer/handler.ts',
    description: 'Workflow: reminders, SLA breach, escalation',
    aslKey: 'TaskTimerFunctionArn',
  },
  bookingStep: {
    entry: 'functions/booking-step/handler.ts',
    description: 'Workflow: prepare booking, confirm, check the appointment',
    aslKey: 'BookingStepFunctionArn',
  },
  notifyOutcome: {
    entry: 'functions/notify-outcome/handler.ts',
    description: 'Workflow: tell the referrer the outcome',
    aslKey: 'NotifyOutcomeFunctionArn',
  },
  recordFailure: {
    entry: 'functions/record-failure/handler.ts',
    description: 'Workflow: record a failed step',
    aslKey: 'RecordFailureFunctionArn',
  },
} as const;

export type FunctionName = keyof typeof lambdaFunctions;
