/**
 * AWS SDK clients load on first use, not at import: most functions send no email, start no
 * workflow and sign no link on a given call, and each client costs 20-50 ms of cold start to load
 * (BENCHMARKS.md). Dynamic imports of the SDK stay imports at run time (the SDK is not bundled).
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined; // a failed load is tried again next time
      throw error;
    });
    return loaded;
  };
}
