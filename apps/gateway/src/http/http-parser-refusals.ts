import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApplicationError } from '@plinth/contracts';
import { HttpOnlyCodes } from './error-status.table.js';
import { exceptionToProblem } from './exception-to-problem.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details.js';
import { acceptOrGenerateRequestId, REQUEST_ID_HEADER } from './request-id.middleware.js';

// What Node's own HTTP layer refuses before Express ever sees a request, by the parser's error code. Node
// answers these with a bare status line and no body; the gateway answers them like every other refusal.
const REFUSAL_OF_PARSER_ERROR: Readonly<Record<string, { code: string; detail: string }>> = {
  HPE_HEADER_OVERFLOW: { code: HttpOnlyCodes.HEADERS_TOO_LARGE, detail: 'The request line and headers are too large.' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { code: HttpOnlyCodes.PAYLOAD_TOO_LARGE, detail: 'The chunk extensions of the request body are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: HttpOnlyCodes.REQUEST_TIMEOUT, detail: 'The request did not arrive in time.' },
};
const MALFORMED = { code: HttpOnlyCodes.MALFORMED_REQUEST, detail: 'The request is not valid HTTP/1.1.' };

const NO_STORE_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

const problemOf = (code: string, detail: string, instance: string, requestId: string): ProblemDetails =>
  exceptionToProblem(new ApplicationError(code, detail), { instance, requestId });

/** A complete HTTP/1.1 response written straight to the socket: there is no request object to answer through. */
const rawProblemResponse = (problem: ProblemDetails): string => {
  const body = JSON.stringify(problem);
  const headers = {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    [REQUEST_ID_HEADER]: problem.requestId,
    ...NO_STORE_HEADERS,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`, ...head, '', body].join('\r\n');
};

/**
 * `clientError`: the parser gave up (malformed request line or header, headers too large, a request that
 * trickled in too slowly). As Node itself does, nothing is written when the socket is gone or a response on
 * it has started (its status line is out already); the connection is closed either way, since the stream
 * can no longer be trusted to be in step.
 */
const answerParserError = (error: Error & { code?: string }, socket: Duplex): void => {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { code, detail } = REFUSAL_OF_PARSER_ERROR[error.code ?? ''] ?? MALFORMED;
  // The request line may not even have been read: the problem is about the connection, hence no path.
  socket.end(rawProblemResponse(problemOf(code, detail, '', acceptOrGenerateRequestId(undefined))));
  socket.once('finish', () => socket.destroy());
};

/**
 * `checkExpectation`: an `Expect` header other than `100-continue` (which Node answers itself, as it should).
 * Node's default is a bare 417; the request never reaches Express, so the problem is written here.
 */
const answerUnmetExpectation = (request: IncomingMessage, response: ServerResponse): void => {
  const requestId = acceptOrGenerateRequestId(request.headers[REQUEST_ID_HEADER]);
  const problem = problemOf(
    HttpOnlyCodes.EXPECTATION_FAILED, 'Only "Expect: 100-continue" is supported.', (request.url ?? '').split('?', 1)[0] ?? '', requestId,
  );
  const body = JSON.stringify(problem);
  response.writeHead(problem.status, {
    'Content-Type': PROBLEM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), [REQUEST_ID_HEADER]: requestId, ...NO_STORE_HEADERS, Connection: 'close',
  });
  response.end(body);
};

/**
 * Every 4xx that Node's HTTP layer would send on its own (400 malformed request, 408, 413, 431, 417) becomes
 * problem+json. What stays outside the gateway's reach is listed in the gateway README ("Refusals below Express").
 */
export const answerHttpParserRefusalsWithProblems = (server: Server): void => {
  server.on('clientError', answerParserError);
  server.on('checkExpectation', answerUnmetExpectation);
};
