export { CODEC_FORMAT_VERSION, COMPRESSION_MIN_BYTES, COMPRESSION_MIN_SAVING } from './frame';
export { decodeValue, encodeValue } from './valueCodec';
