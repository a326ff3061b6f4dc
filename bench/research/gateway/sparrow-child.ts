import { FakeSparrowServer } from '../../../test/fakes/fake-sparrow-server';
import { SPARROW_TOKEN } from '../../sms-inbox';

// The fake Sparrow server in a process of its own, so the client's CPU can be measured alone.
const server = new FakeSparrowServer({ token: SPARROW_TOKEN, credits: 1e9, record: false });
server.start().then(
  ({ url }) => process.stdout.write(`${url}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
