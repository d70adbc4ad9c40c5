/**
 * SASL LOGIN (draft-murchison-sasl-login): `334 VXNlcm5hbWU6` ("Username:"), the base64 user,
 * `334 UGFzc3dvcmQ6` ("Password:"), the base64 password. A client may send the user as the
 * initial response.
 */
import { CANCEL, decodeBase64, type SaslHandler, type SaslSession } from './session';

export const login: SaslHandler = (session, initialResponse, done) => {
  if (initialResponse !== undefined) {
    askPassword(session, initialResponse, done);
    return;
  }
  session.readLine((line, next) => askPassword(session, line, next));
  session.reply('authLoginUsername');
  done();
};

function askPassword(session: SaslSession, encodedUser: string, done: () => void): void {
  if (encodedUser.trim() === CANCEL) {
    session.reply('authAborted');
    done();
    return;
  }
  const user = decodeBase64(encodedUser)?.toString('utf8');
  if (!user) {
    session.malformed('LOGIN', done);
    return;
  }
  session.readLine((line, next) => {
    if (line.trim() === CANCEL) {
      session.reply('authAborted');
      next();
      return;
    }
    const password = decodeBase64(line);
    if (!password) {
      session.malformed('LOGIN', next);
      return;
    }
    session.authenticatePassword('LOGIN', user, password.toString('utf8'), next);
  });
  session.reply('authLoginPassword');
  done();
}
