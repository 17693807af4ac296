import PQueue from 'p-queue';

/**
 * The work slash commands do after their ack (GitHub reads, rendering, database writes). relbot
 * acks first; the work then runs here, a few at a time, and when too much is waiting a new command
 * is told relbot is busy instead of piling up work and memory behind it.
 */
export class WorkQueueBusy extends Error {
  constructor(readonly limit: number) {
    super(`relbot is busy (${limit} commands waiting)`);
  }
}

/** A promise that settles on the event loop's next turn, after the I/O that is waiting now. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class WorkQueue {
  private readonly queue: PQueue;

  constructor(
    concurrency = 8,
    private readonly maxWaiting = 200,
  ) {
    this.queue = new PQueue({ concurrency });
  }

  get waiting(): number {
    return this.queue.size + this.queue.pending;
  }

  /**
   * Runs `fn` when a slot is free; rejects with WorkQueueBusy at once when the queue is full. Each
   * piece of work starts on a later turn of the event loop (`nextTurn`), never in the same turn as
   * the ack before it nor as the work that finished before it: requests that arrived meanwhile are
   * read and acked first, so rendering one answer does not delay other people's acks.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.maxWaiting) return Promise.reject(new WorkQueueBusy(this.maxWaiting));
    return this.queue.add(async () => {
      await nextTurn();
      return fn();
    }) as Promise<T>;
  }

  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }
}
