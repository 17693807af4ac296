// The Slack emulator's fault injection: faults queued per Web API method, taken by the calls they match.

export interface SlackFault {
  /**
   * Web API method (e.g. 'chat.postMessage', 'files.completeUploadExternal') or '*' for all;
   * 'upload_url' is the POST of a file's bytes (status and delayMs apply there).
   */
  method: string;
  /** HTTP status to answer (429 sends Retry-After). Omit to answer 200 with ok:false and `error`. */
  status?: number;
  error?: string;
  retryAfter?: number;
  times?: number;
  delayMs?: number;
  /**
   * Apply the call normally (the message is stored) but hold the HTTP answer this long: the state a
   * client killed while waiting for Slack's answer leaves behind (crash tests).
   */
  holdResponseMs?: number;
  /**
   * Apply the call normally, then answer this HTTP status instead of its result: an answer lost on
   * its way back (the client cannot tell whether the call took effect).
   */
  lostAnswerStatus?: number;
}

export class SlackFaults {
  private faults: SlackFault[] = [];

  inject(f: SlackFault): void {
    this.faults.push({ times: 1, ...f });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault for `method` with uses left, counted down by one. */
  take(method: string): SlackFault | undefined {
    const fault = this.faults.find((f) => (f.method === '*' || f.method === method) && (f.times ?? 1) > 0);
    if (fault) fault.times = (fault.times ?? 1) - 1;
    return fault;
  }
}
