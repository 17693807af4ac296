/** The cherry-pick feature's use cases in one import; each lives in the module named beside it. */

export { assertKnownBranch } from './branches';
export { frozenOf, refreshCard, safeDeadline, track } from './cards';
export { APPROVE_MARKER, approve, approveAll, type Outcome, REJECT_MARKER, reject, retry } from './decisions';
export { discover, LookupError, lookup } from './discovery';
export { confirmFreeze, previewFreeze } from './freeze';
export { FREEZE_ACTIONS } from './freeze-blocks';
export { confirmUnfreeze, previewUnfreeze } from './freeze-lift';
export { PREVIEW_ACTION as FREEZE_PREVIEW_ACTION } from './freeze-reminder';
export { mayAct, notAnApproverPlain, sanitizeForGitHub, whoCanApprove } from './permissions';
export { muteBranch } from './ready-mute';
export { cpConfig, gatesOf, isDryRun, storeOf, watchedRepo, watchedRepos } from './shared';
