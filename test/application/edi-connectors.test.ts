/** The optional SFTP connector of a partner profile: what is accepted and each clear refusal. */
import { describe, expect, it } from 'vitest';
import { DEMO_EDI_PARTNER, ediPartnersFromContext } from '../../application/edi-partners';
import { sftpConnectorProblems, type SftpConnectorProfile } from '../../application/edi-connectors';
import { SFTP_CONNECTOR } from '../support/edi-connector';

const problemsOf = (connector: Partial<SftpConnectorProfile>) =>
  sftpConnectorProblems([{ partnerId: 'acme', connector: { ...SFTP_CONNECTOR, ...connector } }]);

describe('SFTP connector profiles', () => {
  it('accepts a connector by secret name or ARN, and a partner without one', () => {
    expect(problemsOf({})).toEqual([]);
    expect(
      problemsOf({ userSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:edi/acme-AbCdEf' }),
    ).toEqual([]);
    expect(sftpConnectorProblems([{ partnerId: 'acme' }])).toEqual([]);
    expect(
      problemsOf({ retrieve: { directory: '/outbox', retrievedDirectory: '/outbox/retrieved' } }),
    ).toEqual([]);
  });

  it.each([
    ['a URL that does not parse', { url: 'edi.acme.example' }, /url 'edi.acme.example' is not a URL/],
    ['an AS2 or FTP scheme', { url: 'https://as2.acme.example/as2' }, /must be sftp:\/\/ \(AS2 connectors/],
    ['ftp', { url: 'ftp://edi.acme.example' }, /must be sftp:\/\//],
    ['no host', { url: 'sftp://' }, /has no host/],
    ['credentials in the URL', { url: 'sftp://me:pw@edi.acme.example' }, /must not carry a user or password/],
    ['a path in the URL', { url: 'sftp://edi.acme.example/inbox' }, /sftp:\/\/host\[:port\] only/],
    ['a missing secret', { userSecret: undefined }, /userSecret .* is missing/],
    [
      'a secret value instead of its name',
      { userSecret: '-----BEGIN OPENSSH PRIVATE KEY-----' },
      /not a secret value/,
    ],
    ['no host keys', { trustedHostKeys: [] }, /trustedHostKeys must list/],
    [
      'an ed25519 host key',
      { trustedHostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5'] },
      /host key 'ssh-ed25519/,
    ],
    ['a relative send folder', { sendDirectory: 'inbox' }, /sendDirectory must be an absolute folder/],
    [
      'a relative outbox to pull',
      { retrieve: { directory: 'outbox', retrievedDirectory: '/outbox/retrieved' } },
      /retrieve.directory must be an absolute folder/,
    ],
    [
      'no folder for retrieved files',
      { retrieve: { directory: '/outbox' } },
      /retrieve.retrievedDirectory must be an absolute folder/,
    ],
    [
      'retrieved files left where they were listed',
      { retrieve: { directory: '/outbox', retrievedDirectory: '/outbox/' } },
      /must differ from retrieve.directory, or every pass takes the same files again/,
    ],
    [
      'a pull every 0 minutes',
      { retrieve: { directory: '/outbox', retrievedDirectory: '/done', everyMinutes: 0 } },
      /everyMinutes must be a whole number of minutes from 1 to 1440/,
    ],
  ] as const)('refuses %s', (_name, change, message) => {
    const problems = problemsOf(change as Partial<SftpConnectorProfile>);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^EDI partner 'acme' connector: /);
    expect(problems[0]).toMatch(message);
  });

  it('refuses an unusable connector when the profiles are loaded from context', () => {
    const profile = { ...DEMO_EDI_PARTNER, connector: { ...SFTP_CONNECTOR, url: 'as2://acme' } };
    expect(() => ediPartnersFromContext('prod', JSON.stringify([profile]))).toThrow(
      /context ediPartners: EDI partner 'acme-beverages' connector: url 'as2:\/\/acme' must be sftp:\/\//,
    );
    const good = { ...DEMO_EDI_PARTNER, connector: SFTP_CONNECTOR };
    expect(ediPartnersFromContext('prod', JSON.stringify([good]))).toEqual([good]);
  });
});
