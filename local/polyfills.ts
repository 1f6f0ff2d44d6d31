/**
 * aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22+). Lambda runs Node 22; this
 * machine may run Node 20, so the local runtime supplies it. Spec-equivalent, and only if absent.
 */
const promiseWithResolvers = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseWithResolvers.withResolvers !== 'function') {
  promiseWithResolvers.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
export {};
