// An organisation, for the tests of organisation trails: three member accounts in two OUs, and the fixture records
// (test/fixtures/records/, account 123456789012) moved into one of them: every occurrence of the fixture's account id
// (recipientAccountId, userIdentity, ARNs) becomes the member's, as that account's own trail would have written it.
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { classify } from '../shared/classify/index.js';
import type { ClassifiedEvent } from '../shared/classify/types.js';
import { loadRecord } from './record-fixtures.js';

export const FIXTURE_ACCOUNT = '123456789012';
export const ORG_ID = 'o-a1b2c3d4e5';
export const PAYMENTS_PROD = '111122223333';
export const SANDBOX_ALICE = '444455556666';
export const SANDBOX_BOB = '777788889999';
/** An account of the organisation the rules files do not mention. */
export const UNLISTED = '210987654321';

/** The rules file of the organisation: names, OUs, sandboxes exempt from deletions, prod stricter. */
export const ORG_RULES = `
accounts:
  '${PAYMENTS_PROD}': { name: payments-prod, ou: Production }
  '${SANDBOX_ALICE}': { name: sandbox-alice, ou: [Sandbox, Sandbox/Teams] }
  '${SANDBOX_BOB}': sandbox-bob
scopes:
  - ous: [Sandbox]
    overrides:
      rds-database-deleted: { enabled: false }
      rds-public-access: { severity: low }
  - accounts: ['${SANDBOX_BOB}']
    overrides:
      rds-database-deleted: { enabled: false }
  - ous: [Production]
    overrides:
      rds-public-access: { severity: critical }
`;

/** A fixture record as account `account` of the organisation wrote it. */
export function recordInAccount(fixture: string, account: string): CloudTrailRecord {
  return JSON.parse(JSON.stringify(loadRecord(fixture)).replaceAll(FIXTURE_ACCOUNT, account)) as CloudTrailRecord;
}

export function eventInAccount(fixture: string, account: string): ClassifiedEvent {
  return classify(recordInAccount(fixture, account));
}
