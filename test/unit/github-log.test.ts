import { Writable } from 'node:stream';
import { logFailedRequest } from '../../src/github';
import { createLogger } from '../../src/log';

/** Error level means someone should look: a 304 is a cache hit, a 4xx is handled by its caller. */
function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), lines };
}

describe('GitHub request log levels', () => {
  it.each([
    ['GET /repos/kubernetes/kubernetes/pulls/1 - 304 with id UNKNOWN in 3ms', 20],
    ['GET /repos/kubernetes/kubernetes/pulls/99999 - 404 with id UNKNOWN in 3ms', 40],
    ['POST /repos/kubernetes/kubernetes/issues/1/labels - 422 with id A1 in 9ms', 40],
    ['GET /search/issues - 502 with id UNKNOWN in 30ms', 50],
    ['GET /search/issues - 500 with id UNKNOWN in 3000ms', 50],
    ['something Octokit says without a status', 50],
  ])('%s → level %d', (msg, level) => {
    const { log, lines } = capture();
    logFailedRequest(log, msg);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level, msg });
  });
});
