/** The shapes of API.md that the page reads. */

export interface User {
  id: string;
  username: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** E.164; null until a number is verified. */
  phoneNumber: string | null;
  phoneVerified: boolean;
  phoneVerifiedAt: string | null;
  createdAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface RegisterResponse extends TokenPair {
  user: User;
}

export type VerificationStatus = 'pending' | 'approved' | 'canceled' | 'expired' | 'failed';

export interface Verification {
  id: string;
  phone: string;
  channel: 'sms';
  status: VerificationStatus;
  attemptsLeft: number;
  expiresAt: string;
  /** When another code may be asked for; null once the verification is no longer pending. */
  resendAvailableAt: string | null;
  createdAt: string;
  approvedAt: string | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem document as the service sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  retryAfterSeconds?: number;
  attemptsLeft?: number;
  errors?: FieldProblem[];
  /** On 428 CHALLENGE_REQUIRED: where to get a proof-of-work challenge. */
  challengeUrl?: string;
}
