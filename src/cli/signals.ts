/** The signals a command stops for, and the exit code of each (128 + its number, as shells report). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Calls `onSignal` with the signal and how many stop signals have come so far, instead of Node's
 * default of dying at once; the returned function puts the default back.
 */
export function onStopSignals(onSignal: (signal: StopSignal, count: number) => void): () => void {
  let count = 0;
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((signal) => {
    const handler = () => onSignal(signal, ++count);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}
