export type { EvtxRecord } from './chunk.js';
export { CHUNK_SIZE } from './chunk.js';
export { eventRecordFromXml } from './event.js';
export { decodeFileHeader, type EvtxFileHeader, hasEvtxSignature } from './file-header.js';
export { type EvtxParseResult, parseEvtx, readEvtxFile } from './parse.js';
export { renderXml, type XmlElement, type XmlNode } from './xml.js';
