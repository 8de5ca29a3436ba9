import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import { classifyFixture, loadRecord } from './record-fixtures.js';

const principal = (name: string) => classifyFixture(name).facts.principal;

describe('principal', () => {
  it('names an IAM user by user name, with the access key', () => {
    expect(principal('create-db-instance')).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::123456789012:user/johndoe',
      accountId: '123456789012',
      name: 'johndoe',
      accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
      isRoot: false,
      isAwsService: false,
    });
  });

  it('names an assumed role by the role, with its ARN and the session name', () => {
    expect(principal('delete-db-instance')).toMatchObject({
      type: 'AssumedRole',
      name: 'Admin',
      roleArn: 'arn:aws:iam::123456789012:role/Admin',
      sessionName: 'jack',
      arn: 'arn:aws:sts::123456789012:assumed-role/Admin/jack',
      isRoot: false,
    });
  });

  it('reads MFA from the session attributes', () => {
    expect(principal('delete-db-instance').mfaAuthenticated).toBe(true);
    expect(principal('delete-db-cluster').mfaAuthenticated).toBe(false);
  });

  it('leaves MFA unknown when the record does not say', () => {
    expect(principal('create-db-instance').mfaAuthenticated).toBeUndefined();
  });

  it('takes the role name from the assumed-role ARN when there is no session issuer', () => {
    const event = classify({
      eventSource: 'rds.amazonaws.com',
      eventName: 'DescribeDBInstances',
      eventTime: 't',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::123456789012:assumed-role/Reader/batch-7',
        principalId: 'AROAEXAMPLE:batch-7',
      },
    });
    expect(event.facts.principal).toMatchObject({ name: 'Reader', sessionName: 'batch-7' });
  });

  it('marks root and calls it root', () => {
    expect(principal('root-delete-db-instance')).toMatchObject({
      type: 'Root',
      isRoot: true,
      name: 'root',
      arn: 'arn:aws:iam::123456789012:root',
    });
  });

  it('marks a console root session with MFA', () => {
    expect(principal('root-describe-db-instances')).toMatchObject({ isRoot: true, mfaAuthenticated: true });
  });

  it('names a federated user by the federated name, not the IAM user that issued the token', () => {
    expect(principal('federated-user-get-caller-identity')).toMatchObject({
      type: 'FederatedUser',
      name: 'stratus_red_team',
      isRoot: false,
    });
  });

  it('names an AWS service by invokedBy and marks it as a service', () => {
    expect(principal('aws-service-assume-role')).toEqual({
      type: 'AWSService',
      name: 'monitoring.rds.amazonaws.com',
      invokedBy: 'monitoring.rds.amazonaws.com',
      isRoot: false,
      isAwsService: true,
    });
  });

  it("marks a role session used by an AWS service on the caller's behalf as a service call", () => {
    expect(principal('delete-db-cluster-snapshot-by-aws-backup')).toMatchObject({
      type: 'AssumedRole',
      name: 'AWSBackupDefaultServiceRole',
      invokedBy: 'backup.amazonaws.com',
      isAwsService: true,
    });
  });

  it('does not count "AWS Internal" as an AWS service, since it also fronts console calls by people', () => {
    const record = { ...loadRecord('assumed-role-modify-db-instance') };
    record.userIdentity = { ...record.userIdentity, invokedBy: 'AWS Internal' };
    expect(classify(record).facts.principal).toMatchObject({ invokedBy: 'AWS Internal', isAwsService: false });
  });

  it('names another AWS account by its account id', () => {
    expect(principal('aws-account-assume-role')).toMatchObject({
      type: 'AWSAccount',
      name: '444455556666',
      accountId: '444455556666',
    });
  });

  it('names an IAM Identity Center user by the user id it acts for', () => {
    expect(principal('identity-center-user-list-account-roles')).toMatchObject({
      type: 'IdentityCenterUser',
      name: '544894e8-80c1-707f-60e3-3ba6510dfac1',
    });
  });

  it('names a SAML user by the SAML subject', () => {
    expect(principal('saml-user-assume-role-with-saml')).toMatchObject({ type: 'SAMLUser', name: 'SamlExample' });
  });

  it('names a web identity user by the token subject', () => {
    expect(principal('web-identity-user-assume-role-with-web-identity')).toMatchObject({
      type: 'WebIdentityUser',
      name: 'repo:example/payments:ref:refs/heads/main',
    });
  });

  it('is Unknown when the record has no userIdentity', () => {
    expect(principal('reboot-db-instance-no-user-identity')).toEqual({
      type: 'Unknown',
      isRoot: false,
      isAwsService: false,
    });
  });

  it('ignores an empty access key id', () => {
    const event = classify({
      eventSource: 'rds.amazonaws.com',
      eventName: 'X',
      eventTime: 't',
      userIdentity: { type: 'IAMUser', userName: 'Alice', accessKeyId: '' },
    });
    expect(event.facts.principal.accessKeyId).toBeUndefined();
  });
});
