// Authenticator codes for the tests, computed from the secret the set-up page shows.
//
// The server accepts a code for the steps now-1..now+1, and only if its step is later than the
// last step it accepted for that account. So a test that needs a second code within the same
// 30 seconds takes the NEXT step's code instead of sleeping until the step turns.
import { generateSync } from 'otplib';

const STEP_SECONDS = 30;

export class Authenticator {
  constructor(secret) {
    this.secret = secret.replace(/\s+/g, '');
    this.lastStep = null;
  }

  /** A code the server has not seen yet for this authenticator. */
  nextCode() {
    const now = Math.floor(Date.now() / 1000 / STEP_SECONDS);
    const step = this.lastStep === null ? now : Math.max(now, this.lastStep + 1);
    if (step > now + 1) {
      throw new Error('this test asked for three codes within one 30-second step; the server would refuse the third');
    }
    this.lastStep = step;
    return generateSync({ secret: this.secret, epoch: step * STEP_SECONDS });
  }
}
