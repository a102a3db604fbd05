import type { TokenPair } from '@plinth/contracts';

export const toTokenPair = ({ accessToken, refreshToken, tokenType, expiresIn }: TokenPair): TokenPair => ({
  accessToken,
  refreshToken,
  tokenType,
  expiresIn,
});
