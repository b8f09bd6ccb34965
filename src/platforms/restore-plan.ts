// A RestorePlan read back from text (the post step loads what main saved): every field
// checked, so a damaged or foreign value is refused instead of half restored.
import type { MachineConfig, Release, RestorePlan, SavedMachine } from './platform.js';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function parseSavedRelease(value: unknown): Release | undefined {
  const record = asRecord(value);
  const { id, label, content, image } = record ?? {};
  if (typeof id !== 'string' || typeof label !== 'string') return undefined;
  return {
    id,
    label,
    ...(typeof content === 'string' ? { content } : {}),
    ...(typeof image === 'string' ? { image } : {}),
  };
}

function parseMachine(value: unknown): SavedMachine | undefined {
  const entry = asRecord(value);
  const config = asRecord(entry?.config);
  const { id, region, instanceId, configImage, digest, image, state, incompleteConfig } =
    entry ?? {};
  if (
    typeof id !== 'string' ||
    typeof region !== 'string' ||
    typeof instanceId !== 'string' ||
    typeof configImage !== 'string' ||
    typeof image !== 'string' ||
    (digest !== undefined && typeof digest !== 'string') ||
    config === undefined
  ) {
    return undefined;
  }
  // A plan saved without a state (an older run) restores every machine started.
  const saved = typeof state === 'string' ? state : 'started';
  const partial = incompleteConfig === true ? { incompleteConfig: true } : {};
  return { id, region, instanceId, config, configImage, digest, image, state: saved, ...partial };
}

function parseConfigs(value: unknown): Record<string, MachineConfig> | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const configs: Record<string, MachineConfig> = {};
  for (const [id, config] of Object.entries(record)) {
    const parsed = asRecord(config);
    if (parsed === undefined) return undefined;
    configs[id] = parsed;
  }
  return configs;
}

/** The plan `JSON.stringify` wrote, or undefined when the text is not one. */
export function parseRestorePlan(text: string): RestorePlan | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = asRecord(value);
  const target = parseSavedRelease(record?.target);
  if (record === undefined || target === undefined) return undefined;
  switch (record.kind) {
    case 'release':
      return { kind: 'release', target };
    case 'machines': {
      if (!Array.isArray(record.machines)) return undefined;
      const machines = record.machines.map(parseMachine);
      if (machines.some((machine) => machine === undefined)) return undefined;
      return { kind: 'machines', target, machines: machines.filter((m) => m !== undefined) };
    }
    case 'configs': {
      const configs = parseConfigs(record.configs);
      return configs === undefined ? undefined : { kind: 'configs', target, configs };
    }
    default:
      return undefined;
  }
}
