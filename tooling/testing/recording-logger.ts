/** A store logger that records instead of printing (failure tests provoke warnings on purpose). */
export function recordingLogger() {
  const lines: { level: 'warn' | 'error'; msg: string; data?: object }[] = [];
  return {
    lines,
    warn: (msg: string, data?: object) => void lines.push({ level: 'warn', msg, data }),
    error: (msg: string, data?: object) => void lines.push({ level: 'error', msg, data }),
  };
}
