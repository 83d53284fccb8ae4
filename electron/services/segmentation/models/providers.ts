import * as ort from 'onnxruntime-node';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

/**
 * GPU providers worth trying on this platform, best first, always ending with cpu. What the
 * onnxruntime-node 1.30 binaries have compiled in (contract section 5.1): linux/x64 cuda
 * (provider libraries downloaded separately), win32 DirectML, darwin/arm64 CoreML.
 */
export function providerOrder(platform: string = process.platform, arch: string = process.arch): ProviderName[] {
  if (platform === 'linux' && arch === 'x64') return ['cuda', 'cpu'];
  if (platform === 'win32') return ['dml', 'cpu'];
  if (platform === 'darwin' && arch === 'arm64') return ['coreml', 'cpu'];
  return ['cpu'];
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: ProviderName;
  /** One line per provider that failed before the one that runs ("cuda unavailable: ..."). */
  notes: string[];
}

/**
 * Opens a session trying providers one at a time: ORT does no automatic fallback (a list like
 * ['cuda', 'cpu'] throws when the CUDA libraries are missing), so each failure is caught, noted and
 * the next provider tried. cpu is always tried last.
 */
export async function openSession(model: string | Uint8Array, order: ProviderName[] = providerOrder(), options: ort.InferenceSession.SessionOptions = {}): Promise<OpenedSession> {
  const notes: string[] = [];
  const tries = order.includes('cpu') ? order : [...order, 'cpu' as const];
  for (const provider of tries) {
    try {
      // GPU attempts log at fatal only: their expected failure is reported once, as a note.
      const opts: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', ...(provider === 'cpu' ? {} : { logSeverityLevel: 4 as const }), ...options, executionProviders: [provider] };
      const session = typeof model === 'string' ? await ort.InferenceSession.create(model, opts) : await ort.InferenceSession.create(model, opts);
      return { session, provider, notes };
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
      if (provider === 'cpu') throw e;
      notes.push(`${provider} unavailable (${message}); falling back`);
    }
  }
  throw new Error('unreachable');
}
