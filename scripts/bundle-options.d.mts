import type { BuildOptions } from 'esbuild';

export declare const ESM_REQUIRE_BANNER: string;
export declare const NODE_BUNDLE: BuildOptions;
export declare const LAMBDA_BUNDLE: BuildOptions;
