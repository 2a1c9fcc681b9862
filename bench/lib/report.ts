/**
 * What every benchmark shares for reporting: the machine it ran on, percentiles, a markdown
 * table, and the JSON file under bench/results/. Figures, never assertions.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, findTemporalCli } from '../../common/temporal-cli';

export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryGiB: number;
  os: string;
  node: string;
  /** The Temporal CLI's own version line, plus the module version Go embedded in it when the binary was built with `go install`. */
  temporalCli: string;
  /** The load average when the benchmark started: other work on the machine skews timings. */
  loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    temporalCli: temporalCliVersion(),
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

function temporalCliVersion(): string {
  try {
    const cli = findTemporalCli();
    const line = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
    // A `go install` build says 0.0.0-DEV; its module version is in the build info.
    try {
      const module = /^\s+mod\s+github\.com\/temporalio\/cli\s+(v\S+)/m.exec(execFileSync('go', ['version', '-m', cli], { encoding: 'utf8' }))?.[1];
      if (module) return `${line}; module ${module}`;
    } catch {
      // No Go on this machine: the version line is all there is.
    }
    return line;
  } catch {
    return 'unknown';
  }
}

/** The value below which `p` (0..1) of the sorted values fall (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const pct = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)} %`;

/** A markdown table: header row, alignment row (numbers right-aligned), rows. */
export function markdownTable(header: string[], rows: Array<Array<string | number>>, numeric: boolean[] = header.map((_, index) => index > 0)): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(numeric.map((right) => (right ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** Writes bench/results/<name>.json with the machine and the options it ran with. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, finishedAt: new Date().toISOString(), machine: machineInfo(), ...result }, null, 2)}\n`);
  return file;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Peak and current resident set size of a process, from /proc/<pid>/status (Linux), in MiB. */
export function processMemory(pid: number): { peakRssMiB: number; rssMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakRssMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

/** Resets a process's VmHWM to its current RSS (Linux: `5` to /proc/<pid>/clear_refs); false when not allowed. */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Direct children of a process, by pid (Linux: /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  try {
    const tasks = execFileSync('sh', ['-c', `cat /proc/${pid}/task/*/children 2>/dev/null || true`], { encoding: 'utf8' });
    return tasks.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The pid of this process's child whose command name is `name` (e.g. the Temporal dev server). */
export function childPidNamed(name: string): number | undefined {
  return childPids(process.pid).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  });
}
