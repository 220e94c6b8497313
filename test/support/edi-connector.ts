/** A usable SFTP connector profile for tests (the host key body is an example ECDSA key). */
import type { SftpConnectorProfile } from '../../application/edi-connectors';

export const SFTP_CONNECTOR: SftpConnectorProfile = {
  url: 'sftp://edi.acme-beverages.example:2222',
  userSecret: 'supplyline/edi/acme-beverages',
  trustedHostKeys: ['ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY='],
  sendDirectory: '/inbox',
};
