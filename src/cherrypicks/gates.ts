import type { CherrypicksConfig } from './config';

/**
 * The checks Prow's `cherry-pick-approved` plugin makes before it adds the label
 * (kubernetes-sigs/prow pkg/plugins/cherrypickapproved), as a pure function of a PR snapshot:
 * open, a release branch, `lgtm` and `approved`, no commit status in `error`/`failure`, none of
 * the blocking labels.
 */

export interface CommitStatus {
  context: string;
  state: string;
}

export interface PullSnapshot {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  author: string;
  base: string;
  headSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  labels: string[];
  statuses: CommitStatus[];
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
  originals: number[];
}

export interface Gate {
  id: 'open' | 'branch' | 'lgtm' | 'approved' | 'statuses' | 'labels';
  ok: boolean;
  /** Short text for the card, e.g. "lgtm" or "failing: pull-kubernetes-e2e-gce". */
  text: string;
  /** Sentence naming what is wrong (when !ok). */
  reason?: string;
}

export interface GateResult {
  ok: boolean;
  gates: Gate[];
  reasons: string[];
  pendingStatuses: string[];
}

type GateConfig = Pick<
  CherrypicksConfig,
  'branchPattern' | 'blockingLabels' | 'allowMissingLgtm' | 'allowMissingApproved'
>;

const hasLabel = (labels: string[], name: string) =>
  labels.some((l) => l.toLowerCase() === name.toLowerCase());

export function evaluateGates(pr: PullSnapshot, cfg: GateConfig): GateResult {
  const gates: Gate[] = [];
  const open = pr.state === 'open' && !pr.merged;
  gates.push({
    id: 'open',
    ok: open,
    text: open ? 'open' : pr.merged ? 'merged' : 'closed',
    reason: open ? undefined : `the pull request is ${pr.merged ? 'already merged' : 'closed'}`,
  });
  const branchOk = new RegExp(cfg.branchPattern).test(pr.base);
  gates.push({
    id: 'branch',
    ok: branchOk,
    text: pr.base,
    reason: branchOk ? undefined : `it targets \`${pr.base}\`, which is not a release branch`,
  });
  const lgtm = cfg.allowMissingLgtm || hasLabel(pr.labels, 'lgtm');
  gates.push({
    id: 'lgtm',
    ok: lgtm,
    text: 'lgtm',
    reason: lgtm ? undefined : 'the `lgtm` label is missing',
  });
  const approved = cfg.allowMissingApproved || hasLabel(pr.labels, 'approved');
  gates.push({
    id: 'approved',
    ok: approved,
    text: 'approved',
    reason: approved ? undefined : 'the `approved` label is missing',
  });
  const failing = pr.statuses.filter((s) => s.state === 'failure' || s.state === 'error');
  const pendingStatuses = pr.statuses.filter((s) => s.state === 'pending').map((s) => s.context);
  gates.push({
    id: 'statuses',
    ok: failing.length === 0,
    text: failing.length === 0 ? 'no failing checks' : `failing: ${failing.map((s) => s.context).join(', ')}`,
    reason:
      failing.length === 0
        ? undefined
        : `status checks are failing: ${failing.map((s) => `\`${s.context}\` (${s.state})`).join(', ')}`,
  });
  const blocking = pr.labels.filter((l) =>
    cfg.blockingLabels.some((b) => b.toLowerCase() === l.toLowerCase()),
  );
  gates.push({
    id: 'labels',
    ok: blocking.length === 0,
    text: blocking.length === 0 ? 'no blocking labels' : blocking.join(', '),
    reason:
      blocking.length === 0
        ? undefined
        : `it has blocking label${blocking.length > 1 ? 's' : ''} ${blocking.map((l) => `\`${l}\``).join(', ')}`,
  });
  const reasons = gates.filter((g) => !g.ok).map((g) => g.reason!);
  return { ok: reasons.length === 0, gates, reasons, pendingStatuses };
}

export { hasLabel };
