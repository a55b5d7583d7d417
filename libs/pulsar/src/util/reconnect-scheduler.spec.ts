import { PulsarClientError } from '../errors';
import { scriptedContext } from '../__test__/scripted-context';
import { ReconnectScheduler, type HandleState, type Reconnectable } from './reconnect-scheduler';

/** A handle whose attempts fail with the queued errors, then succeed. */
function handle(failures: unknown[]) {
  const target: Reconnectable & { attempts: number; stoppedWith?: PulsarClientError; succeeded: Promise<void> } = {
    state: 'ready' as HandleState,
    attempts: 0,
    succeeded: undefined as never,
    reattach: async () => {
      target.attempts++;
      const failure = failures.shift();
      if (failure) throw failure;
      target.state = 'ready';
      done();
    },
    onReconnectFailed: (error) => (target.stoppedWith = error),
  };
  let done!: () => void;
  target.succeeded = new Promise((resolve) => (done = resolve));
  return target;
}

describe('ReconnectScheduler', () => {
  const ctx = scriptedContext('pulsar://127.0.0.1:1', { initialBackoffMs: 1, maxBackoffMs: 4, onWarning: () => undefined });
  afterAll(() => ctx.pool.close());

  it('retries retriable failures with backoff until an attempt succeeds', async () => {
    const target = handle([new PulsarClientError('ServiceNotReady', 'starting', { retriable: true }), new Error('socket hang up')]);
    new ReconnectScheduler(target, ctx, 'consumer', 'consumer on t').connectionClosed();
    expect(target.state).toBe('reconnecting');
    await target.succeeded;
    expect(target.attempts).toBe(3);
  });

  it('stops on an error retrying cannot fix, and marks the handle failed', async () => {
    const target = handle([new PulsarClientError('TopicTerminatedError', 'terminated')]);
    const scheduler = new ReconnectScheduler(target, ctx, 'producer', 'producer on t');
    scheduler.connectionClosed();
    while (!target.stoppedWith) await new Promise((resolve) => setTimeout(resolve, 2));
    expect([target.state, target.stoppedWith.code, target.attempts]).toEqual(['failed', 'TopicTerminatedError', 1]);
  });

  it('a broker close during an attach fails that attach instead of scheduling a second attempt', async () => {
    const target = handle([]);
    const scheduler = new ReconnectScheduler(target, ctx, 'producer', 'producer on t');
    let detached = false;
    const attach = scheduler.attach(async () => {
      scheduler.closedByBroker(() => (detached = true));
      return 'PRODUCER_SUCCESS';
    });
    await expect(attach).rejects.toMatchObject({ code: 'ConnectionClosed', retriable: true });
    expect([detached, target.state, target.attempts]).toEqual([false, 'ready', 0]);
    scheduler.closedByBroker(() => (detached = true));
    expect([detached, target.state]).toEqual([true, 'reconnecting']);
    await target.succeeded;
    scheduler.cancel();
  });

  it('does nothing once the handle is closed', () => {
    const target = handle([]);
    target.state = 'closed';
    new ReconnectScheduler(target, ctx, 'consumer', 'consumer on t').connectionClosed();
    expect([target.state, target.attempts]).toEqual(['closed', 0]);
  });
});
