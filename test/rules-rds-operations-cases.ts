// Fixture cases for the rules of shared/rules/builtin/rds-operations.ts, spread into the built-in rule cases
// (test/rules-builtin.test.ts) and the golden emails (test/alerts-golden.test.ts). Near misses come first in
// notRaisedBy: the record that looks most like a hit but must not be one.

export const RDS_OPERATION_CASES: Record<string, { raisedBy: string[]; notRaisedBy: string[] }> = {
  'rds-failover': {
    raisedBy: ['failover-db-cluster', 'failover-global-cluster'],
    notRaisedBy: ['reboot-db-cluster-force-failover', 'modify-db-cluster-master-password'],
  },
  'rds-reboot-with-failover': {
    raisedBy: ['reboot-db-instance-force-failover', 'reboot-db-cluster-force-failover'],
    notRaisedBy: ['reboot-db-instance', 'reboot-db-instance-no-user-identity', 'failover-db-cluster'],
  },
  'rds-rebooted': {
    raisedBy: ['reboot-db-instance', 'reboot-db-instance-no-user-identity'],
    notRaisedBy: [
      'reboot-db-instance-by-patching-automation',
      'reboot-db-instance-force-failover',
      'reboot-db-cluster-force-failover',
    ],
  },
  'rds-ingress-open-to-internet': {
    raisedBy: ['authorize-db-security-group-ingress-any-ipv4', 'authorize-db-security-group-ingress-any-ipv6'],
    notRaisedBy: ['authorize-db-security-group-ingress-cidr', 'authorize-db-security-group-ingress-ec2-security-group'],
  },
  'rds-ingress-cidr-authorized': {
    raisedBy: ['authorize-db-security-group-ingress-cidr'],
    notRaisedBy: [
      'authorize-db-security-group-ingress-any-ipv4',
      'authorize-db-security-group-ingress-any-ipv6',
      'authorize-db-security-group-ingress-ec2-security-group',
    ],
  },
  'rds-ingress-security-group-authorized': {
    raisedBy: ['authorize-db-security-group-ingress-ec2-security-group'],
    notRaisedBy: ['authorize-db-security-group-ingress-cidr', 'authorize-db-security-group-ingress-any-ipv4'],
  },
  'rds-snapshot-copied-cross-region': {
    raisedBy: ['copy-db-snapshot-cross-region', 'copy-db-cluster-snapshot-cross-region'],
    notRaisedBy: [
      'copy-db-snapshot-cross-region-by-aws-backup',
      'copy-db-snapshot-shared',
      'copy-db-snapshot-same-region',
    ],
  },
  'rds-global-cluster-deleted': {
    raisedBy: ['delete-global-cluster'],
    notRaisedBy: ['failover-global-cluster', 'delete-db-cluster'],
  },
  'rds-log-file-downloaded': {
    raisedBy: ['download-db-log-file-portion', 'download-complete-db-log-file'],
    notRaisedBy: ['describe-db-log-files', 'modify-db-instance-disable-log-exports'],
  },
  'rds-manual-snapshot-created': {
    raisedBy: ['create-db-snapshot', 'create-db-cluster-snapshot'],
    notRaisedBy: ['create-db-snapshot-by-aws-backup', 'copy-db-snapshot-same-region', 'delete-db-snapshot'],
  },
  'rds-modify-unreadable': {
    raisedBy: ['modify-db-instance-request-omitted'],
    notRaisedBy: ['modify-db-instance-public', 'modify-db-instance-rename', 'put-event-selectors-omitted'],
  },
  'rds-create-unreadable': {
    raisedBy: ['create-db-instance-request-omitted', 'restore-db-cluster-from-snapshot-response-omitted'],
    notRaisedBy: [
      'create-db-instance',
      'restore-db-instance-from-db-snapshot-private',
      'modify-db-instance-request-omitted',
    ],
  },
  'rds-snapshot-attribute-unreadable': {
    raisedBy: ['modify-db-snapshot-attribute-request-omitted'],
    notRaisedBy: ['modify-db-snapshot-attribute-unshare', 'modify-db-instance-request-omitted'],
  },
  'rds-reboot-unreadable': {
    raisedBy: ['reboot-db-cluster-request-omitted'],
    notRaisedBy: ['reboot-db-instance', 'reboot-db-cluster-force-failover'],
  },
  'rds-ingress-unreadable': {
    raisedBy: ['authorize-db-security-group-ingress-request-omitted'],
    notRaisedBy: ['authorize-db-security-group-ingress-cidr', 'modify-db-instance-request-omitted'],
  },
  'rds-snapshot-copy-unreadable': {
    raisedBy: ['copy-db-cluster-snapshot-request-omitted'],
    notRaisedBy: ['copy-db-cluster-snapshot-cross-region', 'copy-db-snapshot-same-region'],
  },
};

/** For each rule above, the fixture whose alert the golden email shows. */
export const RDS_OPERATION_GOLDEN: Record<string, string> = {
  'rds-failover': 'failover-db-cluster',
  'rds-reboot-with-failover': 'reboot-db-cluster-force-failover',
  'rds-rebooted': 'reboot-db-instance',
  'rds-ingress-open-to-internet': 'authorize-db-security-group-ingress-any-ipv4',
  'rds-ingress-cidr-authorized': 'authorize-db-security-group-ingress-cidr',
  'rds-ingress-security-group-authorized': 'authorize-db-security-group-ingress-ec2-security-group',
  'rds-snapshot-copied-cross-region': 'copy-db-snapshot-cross-region',
  'rds-global-cluster-deleted': 'delete-global-cluster',
  'rds-log-file-downloaded': 'download-db-log-file-portion',
  'rds-manual-snapshot-created': 'create-db-cluster-snapshot',
  'rds-modify-unreadable': 'modify-db-instance-request-omitted',
  'rds-create-unreadable': 'restore-db-cluster-from-snapshot-response-omitted',
  'rds-snapshot-attribute-unreadable': 'modify-db-snapshot-attribute-request-omitted',
  'rds-reboot-unreadable': 'reboot-db-cluster-request-omitted',
  'rds-ingress-unreadable': 'authorize-db-security-group-ingress-request-omitted',
  'rds-snapshot-copy-unreadable': 'copy-db-cluster-snapshot-request-omitted',
};
