// A function's import graph, for the template tests: every source file its handler reaches and what each imports
// from the AWS SDK (so the IAM policy can be checked against the commands the code can send).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './template.js';

export interface SdkImport {
  /** `@aws-sdk/client-s3`. */
  module: string;
  /** `GetObjectCommand`. */
  name: string;
  /** Repository-relative path of the importing file. */
  file: string;
}

export interface ImportGraph {
  /** Repository-relative paths of every source file reached (value imports only; `import type` brings no code). */
  files: string[];
  /** Every value import from `@aws-sdk/*`. */
  sdkImports: SdkImport[];
}

/**
 * Walks the value imports (static, and with `dynamic` also `import()` of a literal path) from `entry` through the
 * project's own files (relative specifiers; `.js` resolved to the `.ts` beside it), recording what each file imports
 * from the AWS SDK. Type-only imports and specifiers are skipped: TypeScript erases them, so they cannot send a
 * command.
 */
export function importGraph(entry: string, options: { dynamic?: boolean } = {}): ImportGraph {
  const files = new Set<string>();
  const sdkImports: SdkImport[] = [];
  const queue = [path.resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    if (files.has(rel)) continue;
    files.add(rel);
    const source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
      ts.ScriptKind.TS,
    );
    for (const statement of source.statements) {
      let specifier: string | undefined;
      const names: string[] = [];
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (clause?.isTypeOnly) continue;
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
        if (clause?.name) names.push('default');
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements)
            if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
        } else if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
        // `import x from`/`import {}` with only type specifiers left brings in nothing worth following.
        if (clause && names.length === 0) continue;
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
        if (statement.isTypeOnly) continue;
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
        const clause = statement.exportClause;
        if (clause && ts.isNamedExports(clause)) {
          for (const element of clause.elements)
            if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
          if (names.length === 0) continue;
        } else names.push('*');
      } else continue;
      if (specifier === undefined) continue;
      if (specifier.startsWith('@aws-sdk/')) {
        for (const name of names) sdkImports.push({ module: specifier, name, file: rel });
      } else if (specifier.startsWith('.')) {
        queue.push(resolveSource(path.dirname(file), specifier));
      }
    }
    // With `dynamic`, `await import('./x.js')` too: code a handler loads when a path needs it (a chunk of its own in
    // the bundle) is still code it can run, so its commands and metrics count. Without, the static graph alone: what
    // is loaded at start-up (the CLI's tests check doctor stays out of it).
    const dynamic = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] !== undefined &&
        ts.isStringLiteralLike(node.arguments[0]) &&
        node.arguments[0].text.startsWith('.')
      )
        queue.push(resolveSource(path.dirname(file), node.arguments[0].text));
      ts.forEachChild(node, dynamic);
    };
    if (options.dynamic) dynamic(source);
  }
  return { files: [...files].sort(), sdkImports };
}

function resolveSource(dir: string, specifier: string): string {
  const target = path.resolve(dir, specifier);
  const candidates = [
    target.replace(/\.js$/, '.ts'),
    target.replace(/\.mjs$/, '.mts'),
    target,
    `${target}.ts`,
    path.join(target, 'index.ts'),
  ];
  const found = candidates.find((c) => existsSync(c) && !c.endsWith('/'));
  if (!found) throw new Error(`cannot resolve ${specifier} from ${dir}`);
  return found;
}
