// Organisation trails: which account a record belongs to, what the rules files say about that account (its name,
// its OUs), and which `scopes` of the rules files apply to it, in the order they apply. The engine turns that into
// one rule profile per account (engine.ts); this module only reads the files.
//
// A CloudTrail record names the account it was delivered for in `recipientAccountId` ("the account ID that
// received this event", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
// for an organisation trail that is the member account, whatever the key's folder. It never names an OU: OU
// membership comes from the rules files' `accounts` section only.
import { RulesError } from '../errors.js';
import type { CloudTrailRecord } from '../cloudtrail.js';
import type { RuleExceptions, RuleOverride, RulesFile } from './types.js';

/** What the rules files say about one account. */
export interface AccountInfo {
  name?: string;
  ous: ReadonlySet<string>;
}

/** One `scopes[i]` of a rules file, with where it was written (for errors). */
export interface PlacedScope {
  level: 'ou' | 'account';
  accounts: ReadonlySet<string>;
  ous: ReadonlySet<string>;
  overrides: Record<string, RuleOverride>;
  except: RuleExceptions | undefined;
  source: string;
  path: string;
}

export interface AccountScopes {
  /** Account id -> name and OUs, the files merged (a later file's entry for an account replaces an earlier one). */
  directory: ReadonlyMap<string, AccountInfo>;
  /** Every scope, in file order. */
  scopes: readonly PlacedScope[];
}

/**
 * The accounts sections and scopes of `files`. An OU scope must name an OU some account is in (a typo would
 * otherwise silently exempt nobody, or apply a severity to nobody); rule ids are checked by the engine.
 */
export function readAccountScopes(files: ReadonlyArray<{ source: string; content: RulesFile }>): AccountScopes {
  const directory = new Map<string, AccountInfo>();
  for (const { content } of files) {
    for (const [id, entry] of Object.entries(content.accounts ?? {})) {
      directory.set(id, { ...(entry.name ? { name: entry.name } : {}), ous: new Set(entry.ous ?? []) });
    }
  }
  const knownOus = new Set([...directory.values()].flatMap((info) => [...info.ous]));
  const scopes: PlacedScope[] = [];
  for (const { source, content } of files) {
    content.scopes?.forEach((scope, i) => {
      const path = `scopes[${i}]`;
      scope.ous?.forEach((ou, j) => {
        if (!knownOus.has(ou))
          throw new RulesError(
            source,
            `${path}.ous[${j}]`,
            `no account of the accounts section is in OU "${ou}" (${knownOus.size > 0 ? `known: ${[...knownOus].join(', ')}` : 'no account names an ou'}); OU membership comes from accounts.<id>.ou`,
          );
      });
      scopes.push({
        level: scope.accounts ? 'account' : 'ou',
        accounts: new Set(scope.accounts ?? []),
        ous: new Set(scope.ous ?? []),
        overrides: scope.overrides ?? {},
        except: scope.except,
        source,
        path,
      });
    });
  }
  return { directory, scopes };
}

/**
 * The scopes that apply to `account`, in the order they apply: its OUs' scopes, then its own, each in file order.
 * Later ones win for `enabled` and `severity`, so an account's own scope wins over its OU's wherever it is written.
 */
export function scopesFor(account: string, { directory, scopes }: AccountScopes): PlacedScope[] {
  const ous = directory.get(account)?.ous ?? new Set<string>();
  const byOu = scopes.filter((s) => s.level === 'ou' && [...s.ous].some((ou) => ous.has(ou)));
  const own = scopes.filter((s) => s.level === 'account' && s.accounts.has(account));
  return [...byOu, ...own];
}

/** The accounts that need a profile of their own: named in a scope, or in the directory (for their name or OU). */
export function profiledAccounts({ directory, scopes }: AccountScopes): string[] {
  return [...new Set([...directory.keys(), ...scopes.flatMap((s) => [...s.accounts])])];
}

/**
 * The account a record belongs to, as its alert names it: `recipientAccountId`, else the caller's account (records
 * written by trailwatch itself, or by hand, may lack the first).
 */
export function recordAccount(record: CloudTrailRecord): string | undefined {
  const recipient = record.recipientAccountId;
  if (typeof recipient === 'string') return recipient;
  const caller = record.userIdentity?.accountId;
  return typeof caller === 'string' ? caller : undefined;
}
