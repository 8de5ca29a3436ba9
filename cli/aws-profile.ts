// Whether a named AWS profile exists, checked before any SDK call: the SDK reports a missing profile as
// "Region is missing" (it looks for the region in the profile first), which sends people the wrong way.
// Profiles live in the shared config file ([profile NAME], or [default]) and the credentials file ([NAME]),
// at AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE or under ~/.aws
// (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html).
import path from 'node:path';
import { readTextFile } from './node-fs.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The profile names declared in a config or credentials file's text. */
export function profileNames(text: string, file: 'config' | 'credentials'): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line)?.[1];
    if (!section) continue;
    if (file === 'credentials') names.push(section);
    else if (section === 'default') names.push('default');
    else {
      const profile = /^profile\s+(.+)$/.exec(section)?.[1];
      if (profile) names.push(profile.trim());
    }
  }
  return names;
}

export interface ProfileCheck {
  exists: boolean;
  /** The files looked in, for the message. */
  files: string[];
  known: string[];
}

export async function checkProfile(name: string, env: Env): Promise<ProfileCheck> {
  // node:os only here, when a profile is checked: it is not otherwise loaded by a scan of files.
  const home = env.HOME ?? process.getBuiltinModule('node:os').homedir();
  const config = env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config');
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials');
  const known: string[] = [];
  for (const [file, kind] of [
    [config, 'config'],
    [credentials, 'credentials'],
  ] as const) {
    const text = await readTextFile(file).catch(() => '');
    known.push(...profileNames(text, kind));
  }
  return { exists: known.includes(name), files: [config, credentials], known: [...new Set(known)] };
}

/** The profile a command will use (--profile, else AWS_PROFILE), or undefined for the default chain. */
export function chosenProfile(flag: string | undefined, env: Env): { name: string; from: string } | undefined {
  if (flag) return { name: flag, from: '--profile' };
  if (env.AWS_PROFILE) return { name: env.AWS_PROFILE, from: 'AWS_PROFILE' };
  return undefined;
}
