export { API_DOCUMENT_FILE, ApiDocumentValidator, type ReceivedResponse } from './api-document-validator.js';
