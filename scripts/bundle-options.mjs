// esbuild options for everything the project bundles. The Lambda handlers are bundled with the options `sam build`
// uses, read from template.yaml (each function's Metadata.BuildProperties, the single source of truth), so
// `npm run build`, `npm start`, the tests and the bench run the code the template deploys, bundled the same way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPLATE_PATH = path.join(ROOT, 'template.yaml');

/** esbuild's ESM output needs a require() for the few CommonJS dependencies it bundles. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** One ESM file for Node 22: the CLI and the local runners (not deployed). */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  logLevel: 'warning',
  banner: { js: ESM_REQUIRE_BANNER },
};

/** The template's logical id of each function, by the name the project uses for it. */
export const FUNCTION_LOGICAL_IDS = { processor: 'ProcessorFunction', indexer: 'IndexerFunction' };

/** A template with CloudFormation's short-form tags read as plain values (only Metadata is looked at here). */
function parseTemplateText(text) {
  const tags = [];
  for (const tag of [
    '!Ref',
    '!GetAtt',
    '!Sub',
    '!If',
    '!Equals',
    '!Not',
    '!And',
    '!Or',
    '!Select',
    '!Split',
    '!Join',
    '!FindInMap',
    '!Condition',
    '!Base64',
    '!Cidr',
    '!GetAZs',
    '!ImportValue',
    '!Transform',
    '!ToJsonString',
    '!Length',
  ]) {
    tags.push({ tag, resolve: (value) => ({ [tag]: value }) });
    tags.push({ tag, collection: 'seq', resolve: (node) => ({ [tag]: node.toJSON() }) });
    tags.push({ tag, collection: 'map', resolve: (node) => ({ [tag]: node.toJSON() }) });
  }
  return parse(text, { customTags: tags });
}

/** `Metadata.BuildProperties` of a function in template.yaml (throws, naming the function, if it has none). */
export function samBuildProperties(logicalId, templateText = readFileSync(TEMPLATE_PATH, 'utf8')) {
  const resource = parseTemplateText(templateText)?.Resources?.[logicalId];
  if (!resource) throw new Error(`template.yaml: no resource ${logicalId}`);
  if (resource.Metadata?.BuildMethod !== 'esbuild')
    throw new Error(`template.yaml: ${logicalId} is not built with BuildMethod: esbuild`);
  const properties = resource.Metadata.BuildProperties;
  if (!properties || typeof properties !== 'object')
    throw new Error(`template.yaml: ${logicalId} has no Metadata.BuildProperties`);
  return properties;
}

/** `['.js=.mjs']` -> `{ '.js': '.mjs' }`: esbuild's `--flag:key=value` lists as the JS API's maps. */
function keyValues(list, what) {
  if (!Array.isArray(list)) throw new Error(`BuildProperties.${what} must be a list of key=value strings`);
  return Object.fromEntries(
    list.map((item) => {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq <= 0) throw new Error(`BuildProperties.${what}: "${text}" is not key=value`);
      return [text.slice(0, eq), text.slice(eq + 1)];
    }),
  );
}

/**
 * BuildProperties as esbuild JS API options: what `sam build` passes to the esbuild command line. aws-lambda-builders
 * (workflows/nodejs_npm_esbuild/esbuild.py, EsbuildCommandBuilder) always adds `--bundle --platform=node
 * --outdir=<artifacts>`, adds `--target=es2020`, `--format=cjs` and `--minify` when those keys are absent, and turns
 * each other key into a flag (PascalCase -> kebab-case; `true` -> `--flag`; a list -> `--flag:item` per item, except
 * EntryPoints; MainFields is one comma-separated string). EntryPoints are left out: callers name their own (SAM
 * resolves them from CodeUri). A key not translated here is an error until someone maps it.
 */
export function samEsbuildOptions(properties) {
  const options = {
    bundle: true,
    platform: 'node',
    target: 'es2020',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
  };
  for (const [key, value] of Object.entries(properties)) {
    switch (key) {
      case 'EntryPoints':
        break;
      case 'Target':
        options.target = String(value);
        break;
      case 'Format':
        options.format = String(value);
        break;
      case 'Minify':
        options.minify = value === true;
        break;
      case 'KeepNames':
        options.keepNames = value === true;
        break;
      case 'Sourcemap':
        options.sourcemap = value === true;
        break;
      case 'SourcesContent':
        options.sourcesContent = value === true;
        break;
      case 'Splitting':
        options.splitting = value === true;
        break;
      case 'ChunkNames':
        options.chunkNames = String(value);
        break;
      case 'External':
        options.external = value.map(String);
        break;
      case 'MainFields':
        options.mainFields = String(value).split(',');
        break;
      case 'OutExtension':
        options.outExtension = keyValues(value, key);
        break;
      case 'Banner':
        options.banner = keyValues(value, key);
        break;
      case 'Loader':
        options.loader = keyValues(value, key);
        break;
      case 'Alias':
        options.alias = keyValues(value, key);
        break;
      default:
        throw new Error(
          `BuildProperties.${key} is not translated by scripts/bundle-options.mjs: check it is an esbuild flag, then map it`,
        );
    }
  }
  return options;
}

/** The esbuild options `sam build` bundles a function with: `lambdaBundle('processor')`. */
export function lambdaBundle(name) {
  const logicalId = FUNCTION_LOGICAL_IDS[name];
  if (!logicalId) throw new Error(`no function named ${name}`);
  return samEsbuildOptions(samBuildProperties(logicalId));
}

/**
 * esbuild options that bundle a function into `<dir>/<name>/` as `sam build` bundles it into its artifacts folder:
 * the entry at the folder's top (handler.mjs), so the chunks `Splitting` writes beside it (ChunkNames) are imported
 * by the same relative paths, and the files are byte for byte SAM's.
 */
export function lambdaBundleInto(name, dir) {
  return {
    ...lambdaBundle(name),
    entryPoints: { handler: path.join(ROOT, `functions/${name}/handler.ts`) },
    outdir: path.join(dir, name),
  };
}

/** The file name `sam build` gives a function's bundle (handler.mjs): the entry's base name with OutExtension. */
export function lambdaBundleFile(name) {
  const properties = samBuildProperties(FUNCTION_LOGICAL_IDS[name]);
  const entry = String(properties.EntryPoints?.[0] ?? '');
  const extension = properties.OutExtension
    ? (keyValues(properties.OutExtension, 'OutExtension')['.js'] ?? '.js')
    : '.js';
  return `${path.basename(entry, path.extname(entry))}${extension}`;
}
