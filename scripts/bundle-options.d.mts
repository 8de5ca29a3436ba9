import type { BuildOptions } from 'esbuild';

export type LambdaName = 'processor' | 'indexer';

export declare const ROOT: string;
export declare const TEMPLATE_PATH: string;
export declare const ESM_REQUIRE_BANNER: string;
export declare const NODE_BUNDLE: BuildOptions;
export declare const FUNCTION_LOGICAL_IDS: Readonly<Record<LambdaName, string>>;
export declare function samBuildProperties(logicalId: string, templateText?: string): Record<string, unknown>;
export declare function samEsbuildOptions(properties: Record<string, unknown>): BuildOptions;
export declare function lambdaBundle(name: LambdaName): BuildOptions;
/** `sam build`'s bundle of `name` written to `<dir>/<name>/` (handler.mjs, its chunks and source maps). */
export declare function lambdaBundleInto(name: LambdaName, dir: string): BuildOptions;
export declare function lambdaBundleFile(name: LambdaName): string;
