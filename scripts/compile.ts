/**
 * Compiles entry points to plain JavaScript with esbuild, for `npm run build` (scripts/build.ts)
 * and for the memory benchmark's worker child (bench/memory.ts --as-shipped), so both run on the
 * same output. Each entry is bundled with the app's own modules inlined and node_modules left
 * external (the image installs them with npm ci): ESM for Node 20, as the sources run under tsx.
 *
 * Every entry lands one folder below the output folder (dist/worker/main.js...), because the
 * bundled common/payload-codec.ts finds the failure converter, compiled beside them to
 * BUILT_FAILURE_CONVERTER, relative to its own file (import.meta.url): one folder up.
 */
import { readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUILT_FAILURE_CONVERTER } from '../common/payload-codec';
import { REPO_ROOT } from '../common/temporal-cli';

export interface CompileEntry {
  /** The TypeScript source, relative to the repository. */
  source: string;
  /** The output without `.js`, relative to the output folder: one folder deep (`worker/main`). */
  out: string;
}

/** Empties `outdir`, then compiles `entries` and the failure converter into it; returns the output files. */
export async function compile(outdir: string, entries: CompileEntry[]): Promise<string[]> {
  for (const entry of entries) {
    if (entry.out.split('/').length !== 2) throw new Error(`${entry.out}: entries go one folder below the output folder (see FAILURE_CONVERTER_PATH)`);
  }
  rmSync(outdir, { recursive: true, force: true });
  const common = {
    absWorkingDir: REPO_ROOT,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // @temporalio/*, pino, zod... are loaded from node_modules as under tsx (the SDK's native
    // core bridge and its workflow bundler cannot be inlined anyway).
    packages: 'external',
    // Node ignores the maps unless started with --enable-source-maps (to debug a stack trace):
    // positions only, the sources are not in the image.
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  } as const;
  const app = await build({
    ...common,
    entryPoints: entries.map((entry) => ({ in: entry.source, out: entry.out })),
    format: 'esm',
  });
  // The SDK require()s the failure converter by path: CommonJS loads on every Node 20, where
  // require() of an ES module is not a given.
  const converter = await build({
    ...common,
    entryPoints: [{ in: 'common/failure-converter.ts', out: BUILT_FAILURE_CONVERTER.replace(/\.cjs$/, '') }],
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
  });
  const metafiles = [app.metafile, converter.metafile];
  const missing = missingProductionDependencies(metafiles);
  if (missing.length > 0) throw new Error(`the compiled code imports packages that are not production dependencies in package.json (the image installs only those): ${missing.join(', ')}`);
  return metafiles.flatMap((metafile) => Object.keys(metafile.outputs).filter((file) => !file.endsWith('.map')).map((file) => path.resolve(REPO_ROOT, file)));
}

/** The packages the outputs import (left external) that `npm ci --omit=dev` would not install. */
function missingProductionDependencies(metafiles: Metafile[]): string[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const production = new Set(Object.keys(manifest.dependencies ?? {}));
  const imported = metafiles.flatMap((metafile) => Object.values(metafile.outputs).flatMap((output) => output.imports))
    .filter((entry) => entry.external && !entry.path.startsWith('node:') && !isBuiltin(entry.path))
    .map((entry) => entry.path.split('/').slice(0, entry.path.startsWith('@') ? 2 : 1).join('/'));
  return [...new Set(imported)].filter((name) => !production.has(name)).sort();
}
