#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 7349:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveBlockMap = __nccwpck_require__(7103);
var resolveBlockSeq = __nccwpck_require__(334);
var resolveFlowCollection = __nccwpck_require__(3142);

function resolveCollection(CN, ctx, token, onError, tagName, tag) {
    const coll = token.type === 'block-map'
        ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag)
        : token.type === 'block-seq'
            ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag)
            : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
    const Coll = coll.constructor;
    // If we got a tagName matching the class, or the tag name is '!',
    // then use the tagName from the node class used to create it.
    if (tagName === '!' || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
    }
    if (tagName)
        coll.tag = tagName;
    return coll;
}
function composeCollection(CN, ctx, token, props, onError) {
    const tagToken = props.tag;
    const tagName = !tagToken
        ? null
        : ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg));
    if (token.type === 'block-seq') {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken
            ? anchor.offset > tagToken.offset
                ? anchor
                : tagToken
            : (anchor ?? tagToken);
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
            const message = 'Missing newline after block sequence props';
            onError(lastProp, 'MISSING_CHAR', message);
        }
    }
    const expType = token.type === 'block-map'
        ? 'map'
        : token.type === 'block-seq'
            ? 'seq'
            : token.start.source === '{'
                ? 'map'
                : 'seq';
    // shortcut: check if it's a generic YAMLMap or YAMLSeq
    // before jumping into the custom tag logic.
    if (!tagToken ||
        !tagName ||
        tagName === '!' ||
        (tagName === YAMLMap.YAMLMap.tagName && expType === 'map') ||
        (tagName === YAMLSeq.YAMLSeq.tagName && expType === 'seq')) {
        return resolveCollection(CN, ctx, token, onError, tagName);
    }
    let tag = ctx.schema.tags.find(t => t.tag === tagName && t.collection === expType);
    if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
            ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
            tag = kt;
        }
        else {
            if (kt) {
                onError(tagToken, 'BAD_COLLECTION_TYPE', `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? 'scalar'}`, true);
            }
            else {
                onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, true);
            }
            return resolveCollection(CN, ctx, token, onError, tagName);
        }
    }
    const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
    const res = tag.resolve?.(coll, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg), ctx.options) ?? coll;
    const node = identity.isNode(res)
        ? res
        : new Scalar.Scalar(res);
    node.range = coll.range;
    node.tag = tagName;
    if (tag?.format)
        node.format = tag.format;
    return node;
}

exports.composeCollection = composeCollection;


/***/ }),

/***/ 3683:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Document = __nccwpck_require__(3021);
var composeNode = __nccwpck_require__(5937);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);

function composeDoc(options, directives, { offset, start, value, end }, onError) {
    const opts = Object.assign({ _directives: directives }, options);
    const doc = new Document.Document(undefined, opts);
    const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
    };
    const props = resolveProps.resolveProps(start, {
        indicator: 'doc-start',
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
    });
    if (props.found) {
        doc.directives.docStart = true;
        if (value &&
            (value.type === 'block-map' || value.type === 'block-seq') &&
            !props.hasNewline)
            onError(props.end, 'MISSING_CHAR', 'Block collection cannot start on same line with directives-end marker');
    }
    // @ts-expect-error If Contents is set, let's trust the user
    doc.contents = value
        ? composeNode.composeNode(ctx, value, props, onError)
        : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
    const contentEnd = doc.contents.range[2];
    const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
    if (re.comment)
        doc.comment = re.comment;
    doc.range = [offset, contentEnd, re.offset];
    return doc;
}

exports.composeDoc = composeDoc;


/***/ }),

/***/ 5937:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var composeCollection = __nccwpck_require__(7349);
var composeScalar = __nccwpck_require__(5413);
var resolveEnd = __nccwpck_require__(7788);
var utilEmptyScalarPosition = __nccwpck_require__(2599);

const CN = { composeNode, composeEmptyNode };
function composeNode(ctx, token, props, onError) {
    const atKey = ctx.atKey;
    const { spaceBefore, comment, anchor, tag } = props;
    let node;
    let isSrcToken = true;
    switch (token.type) {
        case 'alias':
            node = composeAlias(ctx, token, onError);
            if (anchor || tag)
                onError(token, 'ALIAS_PROPS', 'An alias node must not specify any properties');
            break;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'block-scalar':
            node = composeScalar.composeScalar(ctx, token, tag, onError);
            if (anchor)
                node.anchor = anchor.source.substring(1);
            break;
        case 'block-map':
        case 'block-seq':
        case 'flow-collection':
            try {
                node = composeCollection.composeCollection(CN, ctx, token, props, onError);
                if (anchor)
                    node.anchor = anchor.source.substring(1);
            }
            catch (error) {
                // Almost certainly here due to a stack overflow
                const message = error instanceof Error ? error.message : String(error);
                onError(token, 'RESOURCE_EXHAUSTION', message);
            }
            break;
        default: {
            const message = token.type === 'error'
                ? token.message
                : `Unsupported token (type: ${token.type})`;
            onError(token, 'UNEXPECTED_TOKEN', message);
            isSrcToken = false;
        }
    }
    node ?? (node = composeEmptyNode(ctx, token.offset, undefined, null, props, onError));
    if (anchor && node.anchor === '')
        onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    if (atKey &&
        ctx.options.stringKeys &&
        (!identity.isScalar(node) ||
            typeof node.value !== 'string' ||
            (node.tag && node.tag !== 'tag:yaml.org,2002:str'))) {
        const msg = 'With stringKeys, all keys must be strings';
        onError(tag ?? token, 'NON_STRING_KEY', msg);
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        if (token.type === 'scalar' && token.source === '')
            node.comment = comment;
        else
            node.commentBefore = comment;
    }
    // @ts-expect-error Type checking misses meaning of isSrcToken
    if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
    return node;
}
function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
    const token = {
        type: 'scalar',
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ''
    };
    const node = composeScalar.composeScalar(ctx, token, tag, onError);
    if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === '')
            onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        node.comment = comment;
        node.range[2] = end;
    }
    return node;
}
function composeAlias({ options }, { offset, source, end }, onError) {
    const alias = new Alias.Alias(source.substring(1));
    if (alias.source === '')
        onError(offset, 'BAD_ALIAS', 'Alias cannot be an empty string');
    if (alias.source.endsWith(':'))
        onError(offset + source.length - 1, 'BAD_ALIAS', 'Alias ending in : is ambiguous', true);
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
    alias.range = [offset, valueEnd, re.offset];
    if (re.comment)
        alias.comment = re.comment;
    return alias;
}

exports.composeEmptyNode = composeEmptyNode;
exports.composeNode = composeNode;


/***/ }),

/***/ 5413:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);

function composeScalar(ctx, token, tagToken, onError) {
    const { value, type, comment, range } = token.type === 'block-scalar'
        ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError)
        : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
    const tagName = tagToken
        ? ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg))
        : null;
    let tag;
    if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
    }
    else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
    else if (token.type === 'scalar')
        tag = findScalarTagByTest(ctx, value, token, onError);
    else
        tag = ctx.schema[identity.SCALAR];
    let scalar;
    try {
        const res = tag.resolve(value, msg => onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
    }
    catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg);
        scalar = new Scalar.Scalar(value);
    }
    scalar.range = range;
    scalar.source = value;
    if (type)
        scalar.type = type;
    if (tagName)
        scalar.tag = tagName;
    if (tag.format)
        scalar.format = tag.format;
    if (comment)
        scalar.comment = comment;
    return scalar;
}
function findScalarTagByName(schema, value, tagName, tagToken, onError) {
    if (tagName === '!')
        return schema[identity.SCALAR]; // non-specific tag
    const matchWithTest = [];
    for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
            if (tag.default && tag.test)
                matchWithTest.push(tag);
            else
                return tag;
        }
    }
    for (const tag of matchWithTest)
        if (tag.test?.test(value))
            return tag;
    const kt = schema.knownTags[tagName];
    if (kt && !kt.collection) {
        // Ensure that the known tag is available for stringifying,
        // but does not get used by default.
        schema.tags.push(Object.assign({}, kt, { default: false, test: undefined }));
        return kt;
    }
    onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, tagName !== 'tag:yaml.org,2002:str');
    return schema[identity.SCALAR];
}
function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
    const tag = schema.tags.find(tag => (tag.default === true || (atKey && tag.default === 'key')) &&
        tag.test?.test(value)) || schema[identity.SCALAR];
    if (schema.compat) {
        const compat = schema.compat.find(tag => tag.default && tag.test?.test(value)) ??
            schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
            const ts = directives.tagString(tag.tag);
            const cs = directives.tagString(compat.tag);
            const msg = `Value may be parsed as either ${ts} or ${cs}`;
            onError(token, 'TAG_RESOLVE_FAILED', msg, true);
        }
    }
    return tag;
}

exports.composeScalar = composeScalar;


/***/ }),

/***/ 9984:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var directives = __nccwpck_require__(1342);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var identity = __nccwpck_require__(1127);
var composeDoc = __nccwpck_require__(3683);
var resolveEnd = __nccwpck_require__(7788);

function getErrorPos(src) {
    if (typeof src === 'number')
        return [src, src + 1];
    if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
    const { offset, source } = src;
    return [offset, offset + (typeof source === 'string' ? source.length : 1)];
}
function parsePrelude(prelude) {
    let comment = '';
    let atComment = false;
    let afterEmptyLine = false;
    for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
            case '#':
                comment +=
                    (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') +
                        (source.substring(1) || ' ');
                atComment = true;
                afterEmptyLine = false;
                break;
            case '%':
                if (prelude[i + 1]?.[0] !== '#')
                    i += 1;
                atComment = false;
                break;
            default:
                // This may be wrong after doc-end, but in that case it doesn't matter
                if (!atComment)
                    afterEmptyLine = true;
                atComment = false;
        }
    }
    return { comment, afterEmptyLine };
}
/**
 * Compose a stream of CST nodes into a stream of YAML Documents.
 *
 * ```ts
 * import { Composer, Parser } from 'yaml'
 *
 * const src: string = ...
 * const tokens = new Parser().parse(src)
 * const docs = new Composer().compose(tokens)
 * ```
 */
class Composer {
    constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
            const pos = getErrorPos(source);
            if (warning)
                this.warnings.push(new errors.YAMLWarning(pos, code, message));
            else
                this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        this.directives = new directives.Directives({ version: options.version || '1.2' });
        this.options = options;
    }
    decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        //console.log({ dc: doc.comment, prelude, comment })
        if (comment) {
            const dc = doc.contents;
            if (afterDoc) {
                doc.comment = doc.comment ? `${doc.comment}\n${comment}` : comment;
            }
            else if (afterEmptyLine || doc.directives.docStart || !dc) {
                doc.commentBefore = comment;
            }
            else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
                let it = dc.items[0];
                if (identity.isPair(it))
                    it = it.key;
                const cb = it.commentBefore;
                it.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
            else {
                const cb = dc.commentBefore;
                dc.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
        }
        if (afterDoc) {
            for (let i = 0; i < this.errors.length; ++i)
                doc.errors.push(this.errors[i]);
            for (let i = 0; i < this.warnings.length; ++i)
                doc.warnings.push(this.warnings[i]);
        }
        else {
            doc.errors = this.errors;
            doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
    }
    /**
     * Current stream status information.
     *
     * Mostly useful at the end of input for an empty stream.
     */
    streamInfo() {
        return {
            comment: parsePrelude(this.prelude).comment,
            directives: this.directives,
            errors: this.errors,
            warnings: this.warnings
        };
    }
    /**
     * Compose tokens into documents.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
            yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
    }
    /** Advance the composer by one CST token. */
    *next(token) {
        if (node_process.env.LOG_STREAM)
            console.dir(token, { depth: null });
        switch (token.type) {
            case 'directive':
                this.directives.add(token.source, (offset, message, warning) => {
                    const pos = getErrorPos(token);
                    pos[0] += offset;
                    this.onError(pos, 'BAD_DIRECTIVE', message, warning);
                });
                this.prelude.push(token.source);
                this.atDirectives = true;
                break;
            case 'document': {
                const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
                if (this.atDirectives && !doc.directives.docStart)
                    this.onError(token, 'MISSING_CHAR', 'Missing directives-end/doc-start indicator line');
                this.decorate(doc, false);
                if (this.doc)
                    yield this.doc;
                this.doc = doc;
                this.atDirectives = false;
                break;
            }
            case 'byte-order-mark':
            case 'space':
                break;
            case 'comment':
            case 'newline':
                this.prelude.push(token.source);
                break;
            case 'error': {
                const msg = token.source
                    ? `${token.message}: ${JSON.stringify(token.source)}`
                    : token.message;
                const error = new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg);
                if (this.atDirectives || !this.doc)
                    this.errors.push(error);
                else
                    this.doc.errors.push(error);
                break;
            }
            case 'doc-end': {
                if (!this.doc) {
                    const msg = 'Unexpected doc-end without preceding document';
                    this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg));
                    break;
                }
                this.doc.directives.docEnd = true;
                const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
                this.decorate(this.doc, true);
                if (end.comment) {
                    const dc = this.doc.comment;
                    this.doc.comment = dc ? `${dc}\n${end.comment}` : end.comment;
                }
                this.doc.range[2] = end.offset;
                break;
            }
            default:
                this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', `Unsupported token ${token.type}`));
        }
    }
    /**
     * Call at end of input to yield any remaining document.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
            this.decorate(this.doc, true);
            yield this.doc;
            this.doc = null;
        }
        else if (forceDoc) {
            const opts = Object.assign({ _directives: this.directives }, this.options);
            const doc = new Document.Document(undefined, opts);
            if (this.atDirectives)
                this.onError(endOffset, 'MISSING_CHAR', 'Missing directives-end indicator line');
            doc.range = [0, endOffset, endOffset];
            this.decorate(doc, false);
            yield doc;
        }
    }
}

exports.Composer = Composer;


/***/ }),

/***/ 7103:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilFlowIndentCheck = __nccwpck_require__(4051);
var utilMapIncludes = __nccwpck_require__(1187);

const startColMsg = 'All mapping items must start at the same column';
function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
    const map = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    let offset = bm.offset;
    let commentEnd = null;
    for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        // key properties
        const keyProps = resolveProps.resolveProps(start, {
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: bm.indent,
            startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
            if (key) {
                if (key.type === 'block-seq')
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'A block sequence may not be used as an implicit map key');
                else if ('indent' in key && key.indent !== bm.indent)
                    onError(offset, 'BAD_INDENT', startColMsg);
            }
            if (!keyProps.anchor && !keyProps.tag && !sep) {
                commentEnd = keyProps.end;
                if (keyProps.comment) {
                    if (map.comment)
                        map.comment += '\n' + keyProps.comment;
                    else
                        map.comment = keyProps.comment;
                }
                continue;
            }
            if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
                onError(key ?? start[start.length - 1], 'MULTILINE_IMPLICIT_KEY', 'Implicit keys need to be on a single line');
            }
        }
        else if (keyProps.found?.indent !== bm.indent) {
            onError(offset, 'BAD_INDENT', startColMsg);
        }
        // key value
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key
            ? composeNode(ctx, key, keyProps, onError)
            : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
            onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
        // value properties
        const valueProps = resolveProps.resolveProps(sep ?? [], {
            indicator: 'map-value-ind',
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: bm.indent,
            startOnNewline: !key || key.type === 'block-scalar'
        });
        offset = valueProps.end;
        if (valueProps.found) {
            if (implicitKey) {
                if (value?.type === 'block-map' && !valueProps.hasNewline)
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'Nested mappings are not allowed in compact mappings');
                if (ctx.options.strict &&
                    keyProps.start < valueProps.found.offset - 1024)
                    onError(keyNode.range, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit block mapping key');
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
            if (ctx.schema.compat)
                utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
            offset = valueNode.range[2];
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
        else {
            // key with no value
            if (implicitKey)
                onError(keyNode.range, 'MISSING_CHAR', 'Implicit map keys need to be followed by map values');
            if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
    }
    if (commentEnd && commentEnd < offset)
        onError(commentEnd, 'IMPOSSIBLE', 'Map comment with trailing content');
    map.range = [bm.offset, offset, commentEnd ?? offset];
    return map;
}

exports.resolveBlockMap = resolveBlockMap;


/***/ }),

/***/ 8913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function resolveBlockScalar(ctx, scalar, onError) {
    const start = scalar.offset;
    const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
    if (!header)
        return { value: '', type: null, comment: '', range: [start, start, start] };
    const type = header.mode === '>' ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
    const lines = scalar.source ? splitLines(scalar.source) : [];
    // determine the end of content & start of chomping
    let chompStart = lines.length;
    for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === '' || content === '\r')
            chompStart = i;
        else
            break;
    }
    // shortcut for empty contents
    if (chompStart === 0) {
        const value = header.chomp === '+' && lines.length > 0
            ? '\n'.repeat(Math.max(1, lines.length - 1))
            : '';
        let end = start + header.length;
        if (scalar.source)
            end += scalar.source.length;
        return { value, type, comment: header.comment, range: [start, end, end] };
    }
    // find the indentation level to trim from start
    let trimIndent = scalar.indent + header.indent;
    let offset = scalar.offset + header.length;
    let contentStart = 0;
    for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === '' || content === '\r') {
            if (header.indent === 0 && indent.length > trimIndent)
                trimIndent = indent.length;
        }
        else {
            if (indent.length < trimIndent) {
                const message = 'Block scalars with more-indented leading empty lines must use an explicit indentation indicator';
                onError(offset + indent.length, 'MISSING_CHAR', message);
            }
            if (header.indent === 0)
                trimIndent = indent.length;
            contentStart = i;
            if (trimIndent === 0 && !ctx.atRoot) {
                const message = 'Block scalar values in collections must be indented';
                onError(offset, 'BAD_INDENT', message);
            }
            break;
        }
        offset += indent.length + content.length + 1;
    }
    // include trailing more-indented empty lines in content
    for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
            chompStart = i + 1;
    }
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    // leading whitespace is kept intact
    for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + '\n';
    for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === '\r';
        if (crlf)
            content = content.slice(0, -1);
        /* istanbul ignore if already caught in lexer */
        if (content && indent.length < trimIndent) {
            const src = header.indent
                ? 'explicit indentation indicator'
                : 'first line';
            const message = `Block scalar lines must not be less indented than their ${src}`;
            onError(offset - content.length - (crlf ? 2 : 1), 'BAD_INDENT', message);
            indent = '';
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
        }
        else if (indent.length > trimIndent || content[0] === '\t') {
            // more-indented content within a folded block
            if (sep === ' ')
                sep = '\n';
            else if (!prevMoreIndented && sep === '\n')
                sep = '\n\n';
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
            prevMoreIndented = true;
        }
        else if (content === '') {
            // empty line
            if (sep === '\n')
                value += '\n';
            else
                sep = '\n';
        }
        else {
            value += sep + content;
            sep = ' ';
            prevMoreIndented = false;
        }
    }
    switch (header.chomp) {
        case '-':
            break;
        case '+':
            for (let i = chompStart; i < lines.length; ++i)
                value += '\n' + lines[i][0].slice(trimIndent);
            if (value[value.length - 1] !== '\n')
                value += '\n';
            break;
        default:
            value += '\n';
    }
    const end = start + header.length + scalar.source.length;
    return { value, type, comment: header.comment, range: [start, end, end] };
}
function parseBlockScalarHeader({ offset, props }, strict, onError) {
    /* istanbul ignore if should not happen */
    if (props[0].type !== 'block-scalar-header') {
        onError(props[0], 'IMPOSSIBLE', 'Block scalar header not found');
        return null;
    }
    const { source } = props[0];
    const mode = source[0];
    let indent = 0;
    let chomp = '';
    let error = -1;
    for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === '-' || ch === '+'))
            chomp = ch;
        else {
            const n = Number(ch);
            if (!indent && n)
                indent = n;
            else if (error === -1)
                error = offset + i;
        }
    }
    if (error !== -1)
        onError(error, 'UNEXPECTED_TOKEN', `Block scalar header includes extra characters: ${source}`);
    let hasSpace = false;
    let comment = '';
    let length = source.length;
    for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
            case 'space':
                hasSpace = true;
            // fallthrough
            case 'newline':
                length += token.source.length;
                break;
            case 'comment':
                if (strict && !hasSpace) {
                    const message = 'Comments must be separated from other tokens by white space characters';
                    onError(token, 'MISSING_CHAR', message);
                }
                length += token.source.length;
                comment = token.source.substring(1);
                break;
            case 'error':
                onError(token, 'UNEXPECTED_TOKEN', token.message);
                length += token.source.length;
                break;
            /* istanbul ignore next should not happen */
            default: {
                const message = `Unexpected token in block scalar header: ${token.type}`;
                onError(token, 'UNEXPECTED_TOKEN', message);
                const ts = token.source;
                if (ts && typeof ts === 'string')
                    length += ts.length;
            }
        }
    }
    return { mode, indent, chomp, comment, length };
}
/** @returns Array of lines split up as `[indent, content]` */
function splitLines(source) {
    const split = source.split(/\n( *)/);
    const first = split[0];
    const m = first.match(/^( *)/);
    const line0 = m?.[1]
        ? [m[1], first.slice(m[1].length)]
        : ['', first];
    const lines = [line0];
    for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
    return lines;
}

exports.resolveBlockScalar = resolveBlockScalar;


/***/ }),

/***/ 334:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var YAMLSeq = __nccwpck_require__(2223);
var resolveProps = __nccwpck_require__(4631);
var utilFlowIndentCheck = __nccwpck_require__(4051);

function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
    const seq = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = bs.offset;
    let commentEnd = null;
    for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
            indicator: 'seq-item-ind',
            next: value,
            offset,
            onError,
            parentIndent: bs.indent,
            startOnNewline: true
        });
        if (!props.found) {
            if (props.anchor || props.tag || value) {
                if (value?.type === 'block-seq')
                    onError(props.end, 'BAD_INDENT', 'All sequence items must start at the same column');
                else
                    onError(offset, 'MISSING_CHAR', 'Sequence item without - indicator');
            }
            else {
                commentEnd = props.end;
                if (props.comment)
                    seq.comment = props.comment;
                continue;
            }
        }
        const node = value
            ? composeNode(ctx, value, props, onError)
            : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
    }
    seq.range = [bs.offset, offset, commentEnd ?? offset];
    return seq;
}

exports.resolveBlockSeq = resolveBlockSeq;


/***/ }),

/***/ 7788:
/***/ ((__unused_webpack_module, exports) => {



function resolveEnd(end, offset, reqSpace, onError) {
    let comment = '';
    if (end) {
        let hasSpace = false;
        let sep = '';
        for (const token of end) {
            const { source, type } = token;
            switch (type) {
                case 'space':
                    hasSpace = true;
                    break;
                case 'comment': {
                    if (reqSpace && !hasSpace)
                        onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                    const cb = source.substring(1) || ' ';
                    if (!comment)
                        comment = cb;
                    else
                        comment += sep + cb;
                    sep = '';
                    break;
                }
                case 'newline':
                    if (comment)
                        sep += source;
                    hasSpace = true;
                    break;
                default:
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${type} at node end`);
            }
            offset += source.length;
        }
    }
    return { comment, offset };
}

exports.resolveEnd = resolveEnd;


/***/ }),

/***/ 3142:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilMapIncludes = __nccwpck_require__(1187);

const blockMsg = 'Block collections are not allowed within flow collections';
const isBlock = (token) => token && (token.type === 'block-map' || token.type === 'block-seq');
function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
    const isMap = fc.start.source === '{';
    const fcName = isMap ? 'flow map' : 'flow sequence';
    const NodeClass = (tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq));
    const coll = new NodeClass(ctx.schema);
    coll.flow = true;
    const atRoot = ctx.atRoot;
    if (atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
            flow: fcName,
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
        });
        if (!props.found) {
            if (!props.anchor && !props.tag && !sep && !value) {
                if (i === 0 && props.comma)
                    onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
                else if (i < fc.items.length - 1)
                    onError(props.start, 'UNEXPECTED_TOKEN', `Unexpected empty item in ${fcName}`);
                if (props.comment) {
                    if (coll.comment)
                        coll.comment += '\n' + props.comment;
                    else
                        coll.comment = props.comment;
                }
                offset = props.end;
                continue;
            }
            if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
                onError(key, // checked by containsNewline()
                'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
        }
        if (i === 0) {
            if (props.comma)
                onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
        }
        else {
            if (!props.comma)
                onError(props.start, 'MISSING_CHAR', `Missing , between ${fcName} items`);
            if (props.comment) {
                let prevItemComment = '';
                loop: for (const st of start) {
                    switch (st.type) {
                        case 'comma':
                        case 'space':
                            break;
                        case 'comment':
                            prevItemComment = st.source.substring(1);
                            break loop;
                        default:
                            break loop;
                    }
                }
                if (prevItemComment) {
                    let prev = coll.items[coll.items.length - 1];
                    if (identity.isPair(prev))
                        prev = prev.value ?? prev.key;
                    if (prev.comment)
                        prev.comment += '\n' + prevItemComment;
                    else
                        prev.comment = prevItemComment;
                    props.comment = props.comment.substring(prevItemComment.length + 1);
                }
            }
        }
        if (!isMap && !sep && !props.found) {
            // item is a value in a seq
            // → key & sep are empty, start does not include ? or :
            const valueNode = value
                ? composeNode(ctx, value, props, onError)
                : composeEmptyNode(ctx, props.end, sep, null, props, onError);
            coll.items.push(valueNode);
            offset = valueNode.range[2];
            if (isBlock(value))
                onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
        }
        else {
            // item is a key+value pair
            // key value
            ctx.atKey = true;
            const keyStart = props.end;
            const keyNode = key
                ? composeNode(ctx, key, props, onError)
                : composeEmptyNode(ctx, keyStart, start, null, props, onError);
            if (isBlock(key))
                onError(keyNode.range, 'BLOCK_IN_FLOW', blockMsg);
            ctx.atKey = false;
            // value properties
            const valueProps = resolveProps.resolveProps(sep ?? [], {
                flow: fcName,
                indicator: 'map-value-ind',
                next: value,
                offset: keyNode.range[2],
                onError,
                parentIndent: fc.indent,
                startOnNewline: false
            });
            if (valueProps.found) {
                if (!isMap && !props.found && ctx.options.strict) {
                    if (sep)
                        for (const st of sep) {
                            if (st === valueProps.found)
                                break;
                            if (st.type === 'newline') {
                                onError(st, 'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
                                break;
                            }
                        }
                    if (props.start < valueProps.found.offset - 1024)
                        onError(valueProps.found, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit flow sequence key');
                }
            }
            else if (value) {
                if ('source' in value && value.source?.[0] === ':')
                    onError(value, 'MISSING_CHAR', `Missing space after : in ${fcName}`);
                else
                    onError(valueProps.start, 'MISSING_CHAR', `Missing , or : between ${fcName} items`);
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : valueProps.found
                    ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError)
                    : null;
            if (valueNode) {
                if (isBlock(value))
                    onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
            }
            else if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            if (isMap) {
                const map = coll;
                if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
                    onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
                map.items.push(pair);
            }
            else {
                const map = new YAMLMap.YAMLMap(ctx.schema);
                map.flow = true;
                map.items.push(pair);
                const endRange = (valueNode ?? keyNode).range;
                map.range = [keyNode.range[0], endRange[1], endRange[2]];
                coll.items.push(map);
            }
            offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
    }
    const expectedEnd = isMap ? '}' : ']';
    const [ce, ...ee] = fc.end;
    let cePos = offset;
    if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
    else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot
            ? `${name} must end with a ${expectedEnd}`
            : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? 'MISSING_CHAR' : 'BAD_INDENT', msg);
        if (ce && ce.source.length !== 1)
            ee.unshift(ce);
    }
    if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
            if (coll.comment)
                coll.comment += '\n' + end.comment;
            else
                coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
    }
    else {
        coll.range = [fc.offset, cePos, cePos];
    }
    return coll;
}

exports.resolveFlowCollection = resolveFlowCollection;


/***/ }),

/***/ 6842:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var resolveEnd = __nccwpck_require__(7788);

function resolveFlowScalar(scalar, strict, onError) {
    const { offset, type, source, end } = scalar;
    let _type;
    let value;
    const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
    switch (type) {
        case 'scalar':
            _type = Scalar.Scalar.PLAIN;
            value = plainValue(source, _onError);
            break;
        case 'single-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_SINGLE;
            value = singleQuotedValue(source, _onError);
            break;
        case 'double-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_DOUBLE;
            value = doubleQuotedValue(source, _onError);
            break;
        /* istanbul ignore next should not happen */
        default:
            onError(scalar, 'UNEXPECTED_TOKEN', `Expected a flow scalar value, but found: ${type}`);
            return {
                value: '',
                type: null,
                comment: '',
                range: [offset, offset + source.length, offset + source.length]
            };
    }
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
    return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
    };
}
function plainValue(source, onError) {
    let badChar = '';
    switch (source[0]) {
        /* istanbul ignore next should not happen */
        case '\t':
            badChar = 'a tab character';
            break;
        case ',':
            badChar = 'flow indicator character ,';
            break;
        case '%':
            badChar = 'directive indicator character %';
            break;
        case '|':
        case '>': {
            badChar = `block scalar indicator ${source[0]}`;
            break;
        }
        case '@':
        case '`': {
            badChar = `reserved character ${source[0]}`;
            break;
        }
    }
    if (badChar)
        onError(0, 'BAD_SCALAR_START', `Plain value cannot start with ${badChar}`);
    return unfoldLines(source);
}
function singleQuotedValue(source, onError) {
    if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, 'MISSING_CHAR', "Missing closing 'quote");
    return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
}
function unfoldLines(source) {
    const line = /(.*?)\r?\n/sy;
    let match = line.exec(source);
    if (!match)
        return source;
    /**
     * The negative lookbehinds in these RegExps are to
     * prevent causing a polynomial search time in certain cases.
     *
     * The try-catch is for Safari < 16.4 and other old browsers:
     * https://caniuse.com/js-regexp-lookbehind
     */
    let trimEnd, trimBoth;
    try {
        trimEnd = new RegExp('(?<![ \t])[ \t]+$');
        trimBoth = new RegExp('^[ \t]+|(?<![ \t])[ \t]+$', 'g');
    }
    catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
    }
    let res = match[1].replace(trimEnd, '');
    let sep = ' ';
    let pos = line.lastIndex;
    while ((match = line.exec(source))) {
        const lm = match[1].replace(trimBoth, '');
        if (lm === '') {
            if (sep === '\n')
                res += sep;
            else
                sep = '\n';
        }
        else {
            res += sep + lm;
            sep = ' ';
        }
        pos = line.lastIndex;
    }
    const last = /[ \t]*(.*)/sy;
    last.lastIndex = pos;
    match = last.exec(source);
    return res + sep + (match?.[1] ?? '');
}
function doubleQuotedValue(source, onError) {
    let res = '';
    for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === '\r' && source[i + 1] === '\n')
            continue;
        if (ch === '\n') {
            const { fold, offset } = foldNewline(source, i);
            res += fold;
            i = offset;
        }
        else if (ch === '\\') {
            let next = source[++i];
            const cc = escapeCodes[next];
            if (cc)
                res += cc;
            else if (next === '\n') {
                // skip escaped newlines, but still trim the following line
                next = source[i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === '\r' && source[i + 1] === '\n') {
                // skip escaped CRLF newlines, but still trim the following line
                next = source[++i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === 'x' || next === 'u' || next === 'U') {
                const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
                res += parseCharCode(source, i + 1, length, onError);
                i += length;
            }
            else {
                const raw = source.substr(i - 1, 2);
                onError(i - 1, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
                res += raw;
            }
        }
        else if (ch === ' ' || ch === '\t') {
            // trim trailing whitespace
            const wsStart = i;
            let next = source[i + 1];
            while (next === ' ' || next === '\t')
                next = source[++i + 1];
            if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n'))
                res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        }
        else {
            res += ch;
        }
    }
    if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, 'MISSING_CHAR', 'Missing closing "quote');
    return res;
}
/**
 * Fold a single newline into a space, multiple newlines to N - 1 newlines.
 * Presumes `source[offset] === '\n'`
 */
function foldNewline(source, offset) {
    let fold = '';
    let ch = source[offset + 1];
    while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        if (ch === '\r' && source[offset + 2] !== '\n')
            break;
        if (ch === '\n')
            fold += '\n';
        offset += 1;
        ch = source[offset + 1];
    }
    if (!fold)
        fold = ' ';
    return { fold, offset };
}
const escapeCodes = {
    '0': '\0', // null character
    a: '\x07', // bell character
    b: '\b', // backspace
    e: '\x1b', // escape character
    f: '\f', // form feed
    n: '\n', // line feed
    r: '\r', // carriage return
    t: '\t', // horizontal tab
    v: '\v', // vertical tab
    N: '\u0085', // Unicode next line
    _: '\u00a0', // Unicode non-breaking space
    L: '\u2028', // Unicode line separator
    P: '\u2029', // Unicode paragraph separator
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    '\t': '\t'
};
function parseCharCode(source, offset, length, onError) {
    const cc = source.substr(offset, length);
    const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
    const code = ok ? parseInt(cc, 16) : NaN;
    try {
        return String.fromCodePoint(code);
    }
    catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
        return raw;
    }
}

exports.resolveFlowScalar = resolveFlowScalar;


/***/ }),

/***/ 4631:
/***/ ((__unused_webpack_module, exports) => {



function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
    let spaceBefore = false;
    let atNewline = startOnNewline;
    let hasSpace = startOnNewline;
    let comment = '';
    let commentSep = '';
    let hasNewline = false;
    let reqSpace = false;
    let tab = null;
    let anchor = null;
    let tag = null;
    let newlineAfterProp = null;
    let comma = null;
    let found = null;
    let start = null;
    for (const token of tokens) {
        if (reqSpace) {
            if (token.type !== 'space' &&
                token.type !== 'newline' &&
                token.type !== 'comma')
                onError(token.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
            reqSpace = false;
        }
        if (tab) {
            if (atNewline && token.type !== 'comment' && token.type !== 'newline') {
                onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
            }
            tab = null;
        }
        switch (token.type) {
            case 'space':
                // At the doc level, tabs at line start may be parsed
                // as leading white space rather than indentation.
                // In a flow collection, only the parser handles indent.
                if (!flow &&
                    (indicator !== 'doc-start' || next?.type !== 'flow-collection') &&
                    token.source.includes('\t')) {
                    tab = token;
                }
                hasSpace = true;
                break;
            case 'comment': {
                if (!hasSpace)
                    onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                const cb = token.source.substring(1) || ' ';
                if (!comment)
                    comment = cb;
                else
                    comment += commentSep + cb;
                commentSep = '';
                atNewline = false;
                break;
            }
            case 'newline':
                if (atNewline) {
                    if (comment)
                        comment += token.source;
                    else if (!found || indicator !== 'seq-item-ind')
                        spaceBefore = true;
                }
                else
                    commentSep += token.source;
                atNewline = true;
                hasNewline = true;
                if (anchor || tag)
                    newlineAfterProp = token;
                hasSpace = true;
                break;
            case 'anchor':
                if (anchor)
                    onError(token, 'MULTIPLE_ANCHORS', 'A node can have at most one anchor');
                if (token.source.endsWith(':'))
                    onError(token.offset + token.source.length - 1, 'BAD_ALIAS', 'Anchor ending in : is ambiguous', true);
                anchor = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            case 'tag': {
                if (tag)
                    onError(token, 'MULTIPLE_TAGS', 'A node can have at most one tag');
                tag = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            }
            case indicator:
                // Could here handle preceding comments differently
                if (anchor || tag)
                    onError(token, 'BAD_PROP_ORDER', `Anchors and tags must be after the ${token.source} indicator`);
                if (found)
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.source} in ${flow ?? 'collection'}`);
                found = token;
                atNewline =
                    indicator === 'seq-item-ind' || indicator === 'explicit-key-ind';
                hasSpace = false;
                break;
            case 'comma':
                if (flow) {
                    if (comma)
                        onError(token, 'UNEXPECTED_TOKEN', `Unexpected , in ${flow}`);
                    comma = token;
                    atNewline = false;
                    hasSpace = false;
                    break;
                }
            // else fallthrough
            default:
                onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.type} token`);
                atNewline = false;
                hasSpace = false;
        }
    }
    const last = tokens[tokens.length - 1];
    const end = last ? last.offset + last.source.length : offset;
    if (reqSpace &&
        next &&
        next.type !== 'space' &&
        next.type !== 'newline' &&
        next.type !== 'comma' &&
        (next.type !== 'scalar' || next.source !== '')) {
        onError(next.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
    }
    if (tab &&
        ((atNewline && tab.indent <= parentIndent) ||
            next?.type === 'block-map' ||
            next?.type === 'block-seq'))
        onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
    return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
    };
}

exports.resolveProps = resolveProps;


/***/ }),

/***/ 9499:
/***/ ((__unused_webpack_module, exports) => {



function containsNewline(key) {
    if (!key)
        return null;
    switch (key.type) {
        case 'alias':
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            if (key.source.includes('\n'))
                return true;
            if (key.end)
                for (const st of key.end)
                    if (st.type === 'newline')
                        return true;
            return false;
        case 'flow-collection':
            for (const it of key.items) {
                for (const st of it.start)
                    if (st.type === 'newline')
                        return true;
                if (it.sep)
                    for (const st of it.sep)
                        if (st.type === 'newline')
                            return true;
                if (containsNewline(it.key) || containsNewline(it.value))
                    return true;
            }
            return false;
        default:
            return true;
    }
}

exports.containsNewline = containsNewline;


/***/ }),

/***/ 2599:
/***/ ((__unused_webpack_module, exports) => {



function emptyScalarPosition(offset, before, pos) {
    if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
            let st = before[i];
            switch (st.type) {
                case 'space':
                case 'comment':
                case 'newline':
                    offset -= st.source.length;
                    continue;
            }
            // Technically, an empty scalar is immediately after the last non-empty
            // node, but it's more useful to place it after any whitespace.
            st = before[++i];
            while (st?.type === 'space') {
                offset += st.source.length;
                st = before[++i];
            }
            break;
        }
    }
    return offset;
}

exports.emptyScalarPosition = emptyScalarPosition;


/***/ }),

/***/ 4051:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var utilContainsNewline = __nccwpck_require__(9499);

function flowIndentCheck(indent, fc, onError) {
    if (fc?.type === 'flow-collection') {
        const end = fc.end[0];
        if (end.indent === indent &&
            (end.source === ']' || end.source === '}') &&
            utilContainsNewline.containsNewline(fc)) {
            const msg = 'Flow end indicator should be more indented than parent';
            onError(end, 'BAD_INDENT', msg, true);
        }
    }
}

exports.flowIndentCheck = flowIndentCheck;


/***/ }),

/***/ 1187:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

function mapIncludes(ctx, items, search) {
    const { uniqueKeys } = ctx.options;
    if (uniqueKeys === false)
        return false;
    const isEqual = typeof uniqueKeys === 'function'
        ? uniqueKeys
        : (a, b) => a === b || (identity.isScalar(a) && identity.isScalar(b) && a.value === b.value);
    return items.some(pair => isEqual(pair.key, search));
}

exports.mapIncludes = mapIncludes;


/***/ }),

/***/ 3021:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var toJS = __nccwpck_require__(4043);
var Schema = __nccwpck_require__(5840);
var stringifyDocument = __nccwpck_require__(6829);
var anchors = __nccwpck_require__(1596);
var applyReviver = __nccwpck_require__(3661);
var createNode = __nccwpck_require__(2404);
var directives = __nccwpck_require__(1342);

class Document {
    constructor(value, replacer, options) {
        /** A comment before this Document */
        this.commentBefore = null;
        /** A comment immediately after this Document */
        this.comment = null;
        /** Errors encountered during parsing. */
        this.errors = [];
        /** Warnings encountered during parsing. */
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === 'function' || Array.isArray(replacer)) {
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const opt = Object.assign({
            intAsBigInt: false,
            keepSourceTokens: false,
            logLevel: 'warn',
            prettyErrors: true,
            strict: true,
            stringKeys: false,
            uniqueKeys: true,
            version: '1.2'
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
            this.directives = options._directives.atDocument();
            if (this.directives.yaml.explicit)
                version = this.directives.yaml.version;
        }
        else
            this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        // @ts-expect-error We can't really know that this matches Contents.
        this.contents =
            value === undefined ? null : this.createNode(value, _replacer, options);
    }
    /**
     * Create a deep copy of this Document and its contents.
     *
     * Custom Node values that inherit from `Object` still refer to their original instances.
     */
    clone() {
        const copy = Object.create(Document.prototype, {
            [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
            copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        // @ts-expect-error We can't really know that this matches Contents.
        copy.contents = identity.isNode(this.contents)
            ? this.contents.clone(copy.schema)
            : this.contents;
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** Adds a value to the document. */
    add(value) {
        if (assertCollection(this.contents))
            this.contents.add(value);
    }
    /** Adds a value to the document. */
    addIn(path, value) {
        if (assertCollection(this.contents))
            this.contents.addIn(path, value);
    }
    /**
     * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
     *
     * If `node` already has an anchor, `name` is ignored.
     * Otherwise, the `node.anchor` value will be set to `name`,
     * or if an anchor with that name is already present in the document,
     * `name` will be used as a prefix for a new unique anchor.
     * If `name` is undefined, the generated anchor will use 'a' as a prefix.
     */
    createAlias(node, name) {
        if (!node.anchor) {
            const prev = anchors.anchorNames(this);
            node.anchor =
                // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
                !name || prev.has(name) ? anchors.findNewAnchor(name || 'a', prev) : name;
        }
        return new Alias.Alias(node.anchor);
    }
    createNode(value, replacer, options) {
        let _replacer = undefined;
        if (typeof replacer === 'function') {
            value = replacer.call({ '': value }, '', value);
            _replacer = replacer;
        }
        else if (Array.isArray(replacer)) {
            const keyToStr = (v) => typeof v === 'number' || v instanceof String || v instanceof Number;
            const asStr = replacer.filter(keyToStr).map(String);
            if (asStr.length > 0)
                replacer = replacer.concat(asStr);
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(this, 
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        anchorPrefix || 'a');
        const ctx = {
            aliasDuplicateObjects: aliasDuplicateObjects ?? true,
            keepUndefined: keepUndefined ?? false,
            onAnchor,
            onTagObj,
            replacer: _replacer,
            schema: this.schema,
            sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
            node.flow = true;
        setAnchors();
        return node;
    }
    /**
     * Convert a key and a value into a `Pair` using the current schema,
     * recursively wrapping all values as `Scalar` or `Collection` nodes.
     */
    createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
            if (this.contents == null)
                return false;
            // @ts-expect-error Presumed impossible if Strict extends false
            this.contents = null;
            return true;
        }
        return assertCollection(this.contents)
            ? this.contents.deleteIn(path)
            : false;
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    get(key, keepScalar) {
        return identity.isCollection(this.contents)
            ? this.contents.get(key, keepScalar)
            : undefined;
    }
    /**
     * Returns item at `path`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
            return !keepScalar && identity.isScalar(this.contents)
                ? this.contents.value
                : this.contents;
        return identity.isCollection(this.contents)
            ? this.contents.getIn(path, keepScalar)
            : undefined;
    }
    /**
     * Checks if the document includes a value with the key `key`.
     */
    has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
    }
    /**
     * Checks if the document includes a value at `path`.
     */
    hasIn(path) {
        if (Collection.isEmptyPath(path))
            return this.contents !== undefined;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    set(key, value) {
        if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, [key], value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.set(key, value);
        }
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = value;
        }
        else if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.setIn(path, value);
        }
    }
    /**
     * Change the YAML version and schema used by the document.
     * A `null` version disables support for directives, explicit tags, anchors, and aliases.
     * It also requires the `schema` option to be given as a `Schema` instance value.
     *
     * Overrides all previously set schema options.
     */
    setSchema(version, options = {}) {
        if (typeof version === 'number')
            version = String(version);
        let opt;
        switch (version) {
            case '1.1':
                if (this.directives)
                    this.directives.yaml.version = '1.1';
                else
                    this.directives = new directives.Directives({ version: '1.1' });
                opt = { resolveKnownTags: false, schema: 'yaml-1.1' };
                break;
            case '1.2':
            case 'next':
                if (this.directives)
                    this.directives.yaml.version = version;
                else
                    this.directives = new directives.Directives({ version });
                opt = { resolveKnownTags: true, schema: 'core' };
                break;
            case null:
                if (this.directives)
                    delete this.directives;
                opt = null;
                break;
            default: {
                const sv = JSON.stringify(version);
                throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
            }
        }
        // Not using `instanceof Schema` to allow for duck typing
        if (options.schema instanceof Object)
            this.schema = options.schema;
        else if (opt)
            this.schema = new Schema.Schema(Object.assign(opt, options));
        else
            throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
    }
    // json & jsonArg are only used from toJSON()
    toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
            anchors: new Map(),
            doc: this,
            keep: !json,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
    /**
     * A JSON representation of the document `contents`.
     *
     * @param jsonArg Used by `JSON.stringify` to indicate the array index or
     *   property name.
     */
    toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
    }
    /** A YAML representation of the document. */
    toString(options = {}) {
        if (this.errors.length > 0)
            throw new Error('Document with errors cannot be stringified');
        if ('indent' in options &&
            (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
            const s = JSON.stringify(options.indent);
            throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
    }
}
function assertCollection(contents) {
    if (identity.isCollection(contents))
        return true;
    throw new Error('Expected a YAML collection as document contents');
}

exports.Document = Document;


/***/ }),

/***/ 1596:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

/**
 * Verify that the input string is a valid anchor.
 *
 * Will throw on errors.
 */
function anchorIsValid(anchor) {
    if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
    }
    return true;
}
function anchorNames(root) {
    const anchors = new Set();
    visit.visit(root, {
        Value(_key, node) {
            if (node.anchor)
                anchors.add(node.anchor);
        }
    });
    return anchors;
}
/** Find a new anchor name with the given `prefix` and a one-indexed suffix. */
function findNewAnchor(prefix, exclude) {
    for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
            return name;
    }
}
function createNodeAnchors(doc, prefix) {
    const aliasObjects = [];
    const sourceObjects = new Map();
    let prevAnchors = null;
    return {
        onAnchor: (source) => {
            aliasObjects.push(source);
            prevAnchors ?? (prevAnchors = anchorNames(doc));
            const anchor = findNewAnchor(prefix, prevAnchors);
            prevAnchors.add(anchor);
            return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
            for (const source of aliasObjects) {
                const ref = sourceObjects.get(source);
                if (typeof ref === 'object' &&
                    ref.anchor &&
                    (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
                    ref.node.anchor = ref.anchor;
                }
                else {
                    const error = new Error('Failed to resolve repeated object (this should not happen)');
                    error.source = source;
                    throw error;
                }
            }
        },
        sourceObjects
    };
}

exports.anchorIsValid = anchorIsValid;
exports.anchorNames = anchorNames;
exports.createNodeAnchors = createNodeAnchors;
exports.findNewAnchor = findNewAnchor;


/***/ }),

/***/ 3661:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Applies the JSON.parse reviver algorithm as defined in the ECMA-262 spec,
 * in section 24.5.1.1 "Runtime Semantics: InternalizeJSONProperty" of the
 * 2021 edition: https://tc39.es/ecma262/#sec-json.parse
 *
 * Includes extensions for handling Map and Set objects.
 */
function applyReviver(reviver, obj, key, val) {
    if (val && typeof val === 'object') {
        if (Array.isArray(val)) {
            for (let i = 0, len = val.length; i < len; ++i) {
                const v0 = val[i];
                const v1 = applyReviver(reviver, val, String(i), v0);
                // eslint-disable-next-line @typescript-eslint/no-array-delete
                if (v1 === undefined)
                    delete val[i];
                else if (v1 !== v0)
                    val[i] = v1;
            }
        }
        else if (val instanceof Map) {
            for (const k of Array.from(val.keys())) {
                const v0 = val.get(k);
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    val.delete(k);
                else if (v1 !== v0)
                    val.set(k, v1);
            }
        }
        else if (val instanceof Set) {
            for (const v0 of Array.from(val)) {
                const v1 = applyReviver(reviver, val, v0, v0);
                if (v1 === undefined)
                    val.delete(v0);
                else if (v1 !== v0) {
                    val.delete(v0);
                    val.add(v1);
                }
            }
        }
        else {
            for (const [k, v0] of Object.entries(val)) {
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    delete val[k];
                else if (v1 !== v0)
                    val[k] = v1;
            }
        }
    }
    return reviver.call(obj, key, val);
}

exports.applyReviver = applyReviver;


/***/ }),

/***/ 2404:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

const defaultTagPrefix = 'tag:yaml.org,2002:';
function findTagObject(value, tagName, tags) {
    if (tagName) {
        const match = tags.filter(t => t.tag === tagName);
        const tagObj = match.find(t => !t.format) ?? match[0];
        if (!tagObj)
            throw new Error(`Tag ${tagName} not found`);
        return tagObj;
    }
    return tags.find(t => t.identify?.(value) && !t.format);
}
function createNode(value, tagName, ctx) {
    if (identity.isDocument(value))
        value = value.contents;
    if (identity.isNode(value))
        return value;
    if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
    }
    if (value instanceof String ||
        value instanceof Number ||
        value instanceof Boolean ||
        (typeof BigInt !== 'undefined' && value instanceof BigInt) // not supported everywhere
    ) {
        // https://tc39.es/ecma262/#sec-serializejsonproperty
        value = value.valueOf();
    }
    const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
    // Detect duplicate references to the same object & use Alias nodes for all
    // after first. The `ref` wrapper allows for circular references to resolve.
    let ref = undefined;
    if (aliasDuplicateObjects && value && typeof value === 'object') {
        ref = sourceObjects.get(value);
        if (ref) {
            ref.anchor ?? (ref.anchor = onAnchor(value));
            return new Alias.Alias(ref.anchor);
        }
        else {
            ref = { anchor: null, node: null };
            sourceObjects.set(value, ref);
        }
    }
    if (tagName?.startsWith('!!'))
        tagName = defaultTagPrefix + tagName.slice(2);
    let tagObj = findTagObject(value, tagName, schema.tags);
    if (!tagObj) {
        if (value && typeof value.toJSON === 'function') {
            // eslint-disable-next-line @typescript-eslint/no-unsafe-call
            value = value.toJSON();
        }
        if (!value || typeof value !== 'object') {
            const node = new Scalar.Scalar(value);
            if (ref)
                ref.node = node;
            return node;
        }
        tagObj =
            value instanceof Map
                ? schema[identity.MAP]
                : Symbol.iterator in Object(value)
                    ? schema[identity.SEQ]
                    : schema[identity.MAP];
    }
    if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
    }
    const node = tagObj?.createNode
        ? tagObj.createNode(ctx.schema, value, ctx)
        : typeof tagObj?.nodeClass?.from === 'function'
            ? tagObj.nodeClass.from(ctx.schema, value, ctx)
            : new Scalar.Scalar(value);
    if (tagName)
        node.tag = tagName;
    else if (!tagObj.default)
        node.tag = tagObj.tag;
    if (ref)
        ref.node = node;
    return node;
}

exports.createNode = createNode;


/***/ }),

/***/ 1342:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

const escapeChars = {
    '!': '%21',
    ',': '%2C',
    '[': '%5B',
    ']': '%5D',
    '{': '%7B',
    '}': '%7D'
};
const escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, ch => escapeChars[ch]);
class Directives {
    constructor(yaml, tags) {
        /**
         * The directives-end/doc-start marker `---`. If `null`, a marker may still be
         * included in the document's stringified representation.
         */
        this.docStart = null;
        /** The doc-end marker `...`.  */
        this.docEnd = false;
        this.yaml = Object.assign({}, Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, Directives.defaultTags, tags);
    }
    clone() {
        const copy = new Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
    }
    /**
     * During parsing, get a Directives instance for the current document and
     * update the stream state according to the current version's spec.
     */
    atDocument() {
        const res = new Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
            case '1.1':
                this.atNextDocument = true;
                break;
            case '1.2':
                this.atNextDocument = false;
                this.yaml = {
                    explicit: Directives.defaultYaml.explicit,
                    version: '1.2'
                };
                this.tags = Object.assign({}, Directives.defaultTags);
                break;
        }
        return res;
    }
    /**
     * @param onError - May be called even if the action was successful
     * @returns `true` on success
     */
    add(line, onError) {
        if (this.atNextDocument) {
            this.yaml = { explicit: Directives.defaultYaml.explicit, version: '1.1' };
            this.tags = Object.assign({}, Directives.defaultTags);
            this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
            case '%TAG': {
                if (parts.length !== 2) {
                    onError(0, '%TAG directive should contain exactly two parts');
                    if (parts.length < 2)
                        return false;
                }
                const [handle, prefix] = parts;
                this.tags[handle] = prefix;
                return true;
            }
            case '%YAML': {
                this.yaml.explicit = true;
                if (parts.length !== 1) {
                    onError(0, '%YAML directive should contain exactly one part');
                    return false;
                }
                const [version] = parts;
                if (version === '1.1' || version === '1.2') {
                    this.yaml.version = version;
                    return true;
                }
                else {
                    const isValid = /^\d+\.\d+$/.test(version);
                    onError(6, `Unsupported YAML version ${version}`, isValid);
                    return false;
                }
            }
            default:
                onError(0, `Unknown directive ${name}`, true);
                return false;
        }
    }
    /**
     * Resolves a tag, matching handles to those defined in %TAG directives.
     *
     * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
     *   `'!local'` tag, or `null` if unresolvable.
     */
    tagName(source, onError) {
        if (source === '!')
            return '!'; // non-specific tag
        if (source[0] !== '!') {
            onError(`Not a valid tag: ${source}`);
            return null;
        }
        if (source[1] === '<') {
            const verbatim = source.slice(2, -1);
            if (verbatim === '!' || verbatim === '!!') {
                onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
                return null;
            }
            if (source[source.length - 1] !== '>')
                onError('Verbatim tags must end with a >');
            return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
            onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
            try {
                return prefix + decodeURIComponent(suffix);
            }
            catch (error) {
                onError(String(error));
                return null;
            }
        }
        if (handle === '!')
            return source; // local tag
        onError(`Could not resolve tag: ${source}`);
        return null;
    }
    /**
     * Given a fully resolved tag, returns its printable string form,
     * taking into account current tag prefixes and defaults.
     */
    tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
            if (tag.startsWith(prefix))
                return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === '!' ? tag : `!<${tag}>`;
    }
    toString(doc) {
        const lines = this.yaml.explicit
            ? [`%YAML ${this.yaml.version || '1.2'}`]
            : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
            const tags = {};
            visit.visit(doc.contents, (_key, node) => {
                if (identity.isNode(node) && node.tag)
                    tags[node.tag] = true;
            });
            tagNames = Object.keys(tags);
        }
        else
            tagNames = [];
        for (const [handle, prefix] of tagEntries) {
            if (handle === '!!' && prefix === 'tag:yaml.org,2002:')
                continue;
            if (!doc || tagNames.some(tn => tn.startsWith(prefix)))
                lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join('\n');
    }
}
Directives.defaultYaml = { explicit: false, version: '1.2' };
Directives.defaultTags = { '!!': 'tag:yaml.org,2002:' };

exports.Directives = Directives;


/***/ }),

/***/ 1464:
/***/ ((__unused_webpack_module, exports) => {



class YAMLError extends Error {
    constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
    }
}
class YAMLParseError extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLParseError', pos, code, message);
    }
}
class YAMLWarning extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLWarning', pos, code, message);
    }
}
const prettifyError = (src, lc) => (error) => {
    if (error.pos[0] === -1)
        return;
    error.linePos = error.pos.map(pos => lc.linePos(pos));
    const { line, col } = error.linePos[0];
    error.message += ` at line ${line}, column ${col}`;
    let ci = col - 1;
    let lineStr = src
        .substring(lc.lineStarts[line - 1], lc.lineStarts[line])
        .replace(/[\n\r]+$/, '');
    // Trim to max 80 chars, keeping col position near the middle
    if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = '…' + lineStr.substring(trimStart);
        ci -= trimStart - 1;
    }
    if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + '…';
    // Include previous line in context if pointing at line start
    if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        // Regexp won't match if start is trimmed
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
            prev = prev.substring(0, 79) + '…\n';
        lineStr = prev + lineStr;
    }
    if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
            count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = ' '.repeat(ci) + '^'.repeat(count);
        error.message += `:\n\n${lineStr}\n${pointer}\n`;
    }
};

exports.YAMLError = YAMLError;
exports.YAMLParseError = YAMLParseError;
exports.YAMLWarning = YAMLWarning;
exports.prettifyError = prettifyError;


/***/ }),

/***/ 8815:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var Schema = __nccwpck_require__(5840);
var errors = __nccwpck_require__(1464);
var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);
var publicApi = __nccwpck_require__(4047);
var visit = __nccwpck_require__(204);



__webpack_unused_export__ = composer.Composer;
__webpack_unused_export__ = Document.Document;
__webpack_unused_export__ = Schema.Schema;
__webpack_unused_export__ = errors.YAMLError;
__webpack_unused_export__ = errors.YAMLParseError;
__webpack_unused_export__ = errors.YAMLWarning;
__webpack_unused_export__ = Alias.Alias;
__webpack_unused_export__ = identity.isAlias;
__webpack_unused_export__ = identity.isCollection;
__webpack_unused_export__ = identity.isDocument;
__webpack_unused_export__ = identity.isMap;
__webpack_unused_export__ = identity.isNode;
__webpack_unused_export__ = identity.isPair;
__webpack_unused_export__ = identity.isScalar;
__webpack_unused_export__ = identity.isSeq;
__webpack_unused_export__ = Pair.Pair;
__webpack_unused_export__ = Scalar.Scalar;
__webpack_unused_export__ = YAMLMap.YAMLMap;
__webpack_unused_export__ = YAMLSeq.YAMLSeq;
__webpack_unused_export__ = cst;
__webpack_unused_export__ = lexer.Lexer;
__webpack_unused_export__ = lineCounter.LineCounter;
__webpack_unused_export__ = parser.Parser;
exports.qg = publicApi.parse;
__webpack_unused_export__ = publicApi.parseAllDocuments;
__webpack_unused_export__ = publicApi.parseDocument;
__webpack_unused_export__ = publicApi.stringify;
__webpack_unused_export__ = visit.visit;
__webpack_unused_export__ = visit.visitAsync;


/***/ }),

/***/ 7249:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);

function debug(logLevel, ...messages) {
    if (logLevel === 'debug')
        console.log(...messages);
}
function warn(logLevel, warning) {
    if (logLevel === 'debug' || logLevel === 'warn') {
        if (typeof node_process.emitWarning === 'function')
            node_process.emitWarning(warning);
        else
            console.warn(warning);
    }
}

exports.debug = debug;
exports.warn = warn;


/***/ }),

/***/ 4065:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var visit = __nccwpck_require__(204);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

class Alias extends Node.NodeBase {
    constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, 'tag', {
            set() {
                throw new Error('Alias nodes cannot have tags');
            }
        });
    }
    /**
     * Resolve the value of this alias within `doc`, finding the last
     * instance of the `source` anchor before this node.
     */
    resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
            throw new ReferenceError('Alias resolution is disabled');
        let nodes;
        if (ctx?.aliasResolveCache) {
            nodes = ctx.aliasResolveCache;
        }
        else {
            nodes = [];
            visit.visit(doc, {
                Node: (_key, node) => {
                    if (identity.isAlias(node) || identity.hasAnchor(node))
                        nodes.push(node);
                }
            });
            if (ctx)
                ctx.aliasResolveCache = nodes;
        }
        let found = undefined;
        for (const node of nodes) {
            if (node === this)
                break;
            if (node.anchor === this.source)
                found = node;
        }
        if (found && ctx) {
            const { anchors, doc, maxAliasCount } = ctx;
            let data = anchors.get(found);
            if (!data) {
                // Resolve anchors for Node.prototype.toJS()
                toJS.toJS(found, null, ctx);
                data = anchors.get(found);
            }
            /* istanbul ignore if */
            if (data?.res === undefined) {
                const msg = 'This should not happen: Alias anchor was not resolved?';
                throw new ReferenceError(msg);
            }
            if (maxAliasCount >= 0) {
                data.count += 1;
                if (data.aliasCount === 0)
                    data.aliasCount = getAliasCount(doc, found, anchors);
                if (data.count * data.aliasCount > maxAliasCount) {
                    const msg = 'Excessive alias count indicates a resource exhaustion attack';
                    throw new ReferenceError(msg);
                }
            }
        }
        return found;
    }
    toJSON(_arg, ctx) {
        if (!ctx)
            return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
    }
    toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
            anchors.anchorIsValid(this.source);
            if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
                const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
                throw new Error(msg);
            }
            if (ctx.implicitKey)
                return `${src} `;
        }
        return src;
    }
}
function getAliasCount(doc, node, anchors) {
    if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors && source && anchors.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
    }
    else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
            const c = getAliasCount(doc, item, anchors);
            if (c > count)
                count = c;
        }
        return count;
    }
    else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors);
        const vc = getAliasCount(doc, node.value, anchors);
        return Math.max(kc, vc);
    }
    return 1;
}

exports.Alias = Alias;


/***/ }),

/***/ 101:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);

function collectionFromPath(schema, path, value) {
    let v = value;
    for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === 'number' && Number.isInteger(k) && k >= 0) {
            const a = [];
            a[k] = v;
            v = a;
        }
        else {
            v = new Map([[k, v]]);
        }
    }
    return createNode.createNode(v, undefined, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
            throw new Error('This should not happen, please report a bug.');
        },
        schema,
        sourceObjects: new Map()
    });
}
// Type guard is intentionally a little wrong so as to be more useful,
// as it does not cover untypable empty non-string iterables (e.g. []).
const isEmptyPath = (path) => path == null ||
    (typeof path === 'object' && !!path[Symbol.iterator]().next().done);
class Collection extends Node.NodeBase {
    constructor(type, schema) {
        super(type);
        Object.defineProperty(this, 'schema', {
            value: schema,
            configurable: true,
            enumerable: false,
            writable: true
        });
    }
    /**
     * Create a copy of this collection.
     *
     * @param schema - If defined, overwrites the original's schema
     */
    clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
            copy.schema = schema;
        copy.items = copy.items.map(it => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /**
     * Adds a value to the collection. For `!!map` and `!!omap` the value must
     * be a Pair instance or a `{ key, value }` object, which may not have a key
     * that already exists in the map.
     */
    addIn(path, value) {
        if (isEmptyPath(path))
            this.add(value);
        else {
            const [key, ...rest] = path;
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.addIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
    /**
     * Removes a value from the collection.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
            return node.deleteIn(rest);
        else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
            return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
            return identity.isCollection(node) ? node.getIn(rest, keepScalar) : undefined;
    }
    hasAllNullValues(allowScalar) {
        return this.items.every(node => {
            if (!identity.isPair(node))
                return false;
            const n = node.value;
            return (n == null ||
                (allowScalar &&
                    identity.isScalar(n) &&
                    n.value == null &&
                    !n.commentBefore &&
                    !n.comment &&
                    !n.tag));
        });
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     */
    hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
            this.set(key, value);
        }
        else {
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.setIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
}

exports.Collection = Collection;
exports.collectionFromPath = collectionFromPath;
exports.isEmptyPath = isEmptyPath;


/***/ }),

/***/ 6673:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var applyReviver = __nccwpck_require__(3661);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

class NodeBase {
    constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
    }
    /** Create a copy of this node.  */
    clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** A plain JavaScript representation of this node. */
    toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
            throw new TypeError('A document argument is required');
        const ctx = {
            anchors: new Map(),
            doc,
            keep: true,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
}

exports.NodeBase = NodeBase;


/***/ }),

/***/ 7165:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyPair = __nccwpck_require__(9748);
var addPairToJSMap = __nccwpck_require__(7104);
var identity = __nccwpck_require__(1127);

function createPair(key, value, ctx) {
    const k = createNode.createNode(key, undefined, ctx);
    const v = createNode.createNode(value, undefined, ctx);
    return new Pair(k, v);
}
class Pair {
    constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
    }
    clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
            key = key.clone(schema);
        if (identity.isNode(value))
            value = value.clone(schema);
        return new Pair(key, value);
    }
    toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
    }
    toString(ctx, onComment, onChompKeep) {
        return ctx?.doc
            ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep)
            : JSON.stringify(this);
    }
}

exports.Pair = Pair;
exports.createPair = createPair;


/***/ }),

/***/ 3301:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

const isScalarValue = (value) => !value || (typeof value !== 'function' && typeof value !== 'object');
class Scalar extends Node.NodeBase {
    constructor(value) {
        super(identity.SCALAR);
        this.value = value;
    }
    toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
    }
    toString() {
        return String(this.value);
    }
}
Scalar.BLOCK_FOLDED = 'BLOCK_FOLDED';
Scalar.BLOCK_LITERAL = 'BLOCK_LITERAL';
Scalar.PLAIN = 'PLAIN';
Scalar.QUOTE_DOUBLE = 'QUOTE_DOUBLE';
Scalar.QUOTE_SINGLE = 'QUOTE_SINGLE';

exports.Scalar = Scalar;
exports.isScalarValue = isScalarValue;


/***/ }),

/***/ 4454:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyCollection = __nccwpck_require__(1212);
var addPairToJSMap = __nccwpck_require__(7104);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);

function findPair(items, key) {
    const k = identity.isScalar(key) ? key.value : key;
    for (const it of items) {
        if (identity.isPair(it)) {
            if (it.key === key || it.key === k)
                return it;
            if (identity.isScalar(it.key) && it.key.value === k)
                return it;
        }
    }
    return undefined;
}
class YAMLMap extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:map';
    }
    constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
    }
    /**
     * A generic collection parsing method that can be extended
     * to other node classes that inherit from YAMLMap
     */
    static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
            if (typeof replacer === 'function')
                value = replacer.call(obj, key, value);
            else if (Array.isArray(replacer) && !replacer.includes(key))
                return;
            if (value !== undefined || keepUndefined)
                map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
            for (const [key, value] of obj)
                add(key, value);
        }
        else if (obj && typeof obj === 'object') {
            for (const key of Object.keys(obj))
                add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === 'function') {
            map.items.sort(schema.sortMapEntries);
        }
        return map;
    }
    /**
     * Adds a value to the collection.
     *
     * @param overwrite - If not set `true`, using a key that is already in the
     *   collection will throw. Otherwise, overwrites the previous value.
     */
    add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
            _pair = pair;
        else if (!pair || typeof pair !== 'object' || !('key' in pair)) {
            // In TypeScript, this never happens.
            _pair = new Pair.Pair(pair, pair?.value);
        }
        else
            _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
            if (!overwrite)
                throw new Error(`Key ${_pair.key} already set`);
            // For scalars, keep the old node & its comments and anchors
            if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
                prev.value.value = _pair.value;
            else
                prev.value = _pair.value;
        }
        else if (sortEntries) {
            const i = this.items.findIndex(item => sortEntries(_pair, item) < 0);
            if (i === -1)
                this.items.push(_pair);
            else
                this.items.splice(i, 0, _pair);
        }
        else {
            this.items.push(_pair);
        }
    }
    delete(key) {
        const it = findPair(this.items, key);
        if (!it)
            return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? undefined;
    }
    has(key) {
        return !!findPair(this.items, key);
    }
    set(key, value) {
        this.add(new Pair.Pair(key, value), true);
    }
    /**
     * @param ctx - Conversion context, originally set in Document#toJS()
     * @param {Class} Type - If set, forces the returned collection type
     * @returns Instance of Type, Map, or Object
     */
    toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? new Map() : {};
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const item of this.items)
            addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        for (const item of this.items) {
            if (!identity.isPair(item))
                throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
            ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '',
            flowChars: { start: '{', end: '}' },
            itemIndent: ctx.indent || '',
            onChompKeep,
            onComment
        });
    }
}

exports.YAMLMap = YAMLMap;
exports.findPair = findPair;


/***/ }),

/***/ 2223:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyCollection = __nccwpck_require__(1212);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var toJS = __nccwpck_require__(4043);

class YAMLSeq extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:seq';
    }
    constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
    }
    add(value) {
        this.items.push(value);
    }
    /**
     * Removes a value from the collection.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     *
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return undefined;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     */
    has(key) {
        const idx = asItemIndex(key);
        return typeof idx === 'number' && idx < this.items.length;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     *
     * If `key` does not contain a representation of an integer, this will throw.
     * It may be wrapped in a `Scalar`.
     */
    set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
            prev.value = value;
        else
            this.items[idx] = value;
    }
    toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
            ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
            seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '- ',
            flowChars: { start: '[', end: ']' },
            itemIndent: (ctx.indent || '') + '  ',
            onChompKeep,
            onComment
        });
    }
    static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
            let i = 0;
            for (let it of obj) {
                if (typeof replacer === 'function') {
                    const key = obj instanceof Set ? it : String(i++);
                    it = replacer.call(obj, key, it);
                }
                seq.items.push(createNode.createNode(it, undefined, ctx));
            }
        }
        return seq;
    }
}
function asItemIndex(key) {
    let idx = identity.isScalar(key) ? key.value : key;
    if (idx && typeof idx === 'string')
        idx = Number(idx);
    return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0
        ? idx
        : null;
}

exports.YAMLSeq = YAMLSeq;


/***/ }),

/***/ 7104:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var log = __nccwpck_require__(7249);
var merge = __nccwpck_require__(452);
var stringify = __nccwpck_require__(2148);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

function addPairToJSMap(ctx, map, { key, value }) {
    if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
    // TODO: Should drop this special case for bare << handling
    else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
    else {
        const jsKey = toJS.toJS(key, '', ctx);
        if (map instanceof Map) {
            map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        }
        else if (map instanceof Set) {
            map.add(jsKey);
        }
        else {
            const stringKey = stringifyKey(key, jsKey, ctx);
            const jsValue = toJS.toJS(value, stringKey, ctx);
            if (stringKey in map)
                Object.defineProperty(map, stringKey, {
                    value: jsValue,
                    writable: true,
                    enumerable: true,
                    configurable: true
                });
            else
                map[stringKey] = jsValue;
        }
    }
    return map;
}
function stringifyKey(key, jsKey, ctx) {
    if (jsKey === null)
        return '';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    if (typeof jsKey !== 'object')
        return String(jsKey);
    if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = new Set();
        for (const node of ctx.anchors.keys())
            strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
            let jsonStr = JSON.stringify(strKey);
            if (jsonStr.length > 40)
                jsonStr = jsonStr.substring(0, 36) + '..."';
            log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
            ctx.mapKeyWarned = true;
        }
        return strKey;
    }
    return JSON.stringify(jsKey);
}

exports.addPairToJSMap = addPairToJSMap;


/***/ }),

/***/ 1127:
/***/ ((__unused_webpack_module, exports) => {



const ALIAS = Symbol.for('yaml.alias');
const DOC = Symbol.for('yaml.document');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');
const NODE_TYPE = Symbol.for('yaml.node.type');
const isAlias = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === ALIAS;
const isDocument = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === DOC;
const isMap = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === MAP;
const isPair = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === PAIR;
const isScalar = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SCALAR;
const isSeq = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SEQ;
function isCollection(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case MAP:
            case SEQ:
                return true;
        }
    return false;
}
function isNode(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case ALIAS:
            case MAP:
            case SCALAR:
            case SEQ:
                return true;
        }
    return false;
}
const hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;

exports.ALIAS = ALIAS;
exports.DOC = DOC;
exports.MAP = MAP;
exports.NODE_TYPE = NODE_TYPE;
exports.PAIR = PAIR;
exports.SCALAR = SCALAR;
exports.SEQ = SEQ;
exports.hasAnchor = hasAnchor;
exports.isAlias = isAlias;
exports.isCollection = isCollection;
exports.isDocument = isDocument;
exports.isMap = isMap;
exports.isNode = isNode;
exports.isPair = isPair;
exports.isScalar = isScalar;
exports.isSeq = isSeq;


/***/ }),

/***/ 4043:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

/**
 * Recursively convert any node or its contents to native JavaScript
 *
 * @param value - The input value
 * @param arg - If `value` defines a `toJSON()` method, use this
 *   as its first argument
 * @param ctx - Conversion context, originally set in Document#toJS(). If
 *   `{ keep: true }` is not set, output should be suitable for JSON
 *   stringification.
 */
function toJS(value, arg, ctx) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return
    if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
    if (value && typeof value.toJSON === 'function') {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-call
        if (!ctx || !identity.hasAnchor(value))
            return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: undefined };
        ctx.anchors.set(value, data);
        ctx.onCreate = res => {
            data.res = res;
            delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
            ctx.onCreate(res);
        return res;
    }
    if (typeof value === 'bigint' && !ctx?.keep)
        return Number(value);
    return value;
}

exports.toJS = toJS;


/***/ }),

/***/ 110:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);
var errors = __nccwpck_require__(1464);
var stringifyString = __nccwpck_require__(3069);

function resolveAsScalar(token, strict = true, onError) {
    if (token) {
        const _onError = (pos, code, message) => {
            const offset = typeof pos === 'number' ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
            if (onError)
                onError(offset, code, message);
            else
                throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
            case 'block-scalar':
                return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
    }
    return null;
}
/**
 * Create a new scalar token with `value`
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.end Comments and whitespace after the end of the value, or after the block scalar header. If undefined, a newline will be added.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.indent The indent level of the token.
 * @param context.inFlow Is this scalar within a flow collection? This may affect the resolved type of the token's value.
 * @param context.offset The offset position of the token.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function createScalarToken(value, context) {
    const { implicitKey = false, indent, inFlow = false, offset = -1, type = 'PLAIN' } = context;
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    const end = context.end ?? [
        { type: 'newline', offset: -1, indent, source: '\n' }
    ];
    switch (source[0]) {
        case '|':
        case '>': {
            const he = source.indexOf('\n');
            const head = source.substring(0, he);
            const body = source.substring(he + 1) + '\n';
            const props = [
                { type: 'block-scalar-header', offset, indent, source: head }
            ];
            if (!addEndtoBlockProps(props, end))
                props.push({ type: 'newline', offset: -1, indent, source: '\n' });
            return { type: 'block-scalar', offset, indent, props, source: body };
        }
        case '"':
            return { type: 'double-quoted-scalar', offset, indent, source, end };
        case "'":
            return { type: 'single-quoted-scalar', offset, indent, source, end };
        default:
            return { type: 'scalar', offset, indent, source, end };
    }
}
/**
 * Set the value of `token` to the given string `value`, overwriting any previous contents and type that it may have.
 *
 * Best efforts are made to retain any comments previously associated with the `token`,
 * though all contents within a collection's `items` will be overwritten.
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param token Any token. If it does not include an `indent` value, the value will be stringified as if it were an implicit key.
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.afterKey In most cases, values after a key should have an additional level of indentation.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.inFlow Being within a flow collection may affect the resolved type of the token's value.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function setScalarValue(token, value, context = {}) {
    let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
    let indent = 'indent' in token ? token.indent : null;
    if (afterKey && typeof indent === 'number')
        indent += 2;
    if (!type)
        switch (token.type) {
            case 'single-quoted-scalar':
                type = 'QUOTE_SINGLE';
                break;
            case 'double-quoted-scalar':
                type = 'QUOTE_DOUBLE';
                break;
            case 'block-scalar': {
                const header = token.props[0];
                if (header.type !== 'block-scalar-header')
                    throw new Error('Invalid block scalar header');
                type = header.source[0] === '>' ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
                break;
            }
            default:
                type = 'PLAIN';
        }
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    switch (source[0]) {
        case '|':
        case '>':
            setBlockScalarValue(token, source);
            break;
        case '"':
            setFlowScalarValue(token, source, 'double-quoted-scalar');
            break;
        case "'":
            setFlowScalarValue(token, source, 'single-quoted-scalar');
            break;
        default:
            setFlowScalarValue(token, source, 'scalar');
    }
}
function setBlockScalarValue(token, source) {
    const he = source.indexOf('\n');
    const head = source.substring(0, he);
    const body = source.substring(he + 1) + '\n';
    if (token.type === 'block-scalar') {
        const header = token.props[0];
        if (header.type !== 'block-scalar-header')
            throw new Error('Invalid block scalar header');
        header.source = head;
        token.source = body;
    }
    else {
        const { offset } = token;
        const indent = 'indent' in token ? token.indent : -1;
        const props = [
            { type: 'block-scalar-header', offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, 'end' in token ? token.end : undefined))
            props.push({ type: 'newline', offset: -1, indent, source: '\n' });
        for (const key of Object.keys(token))
            if (key !== 'type' && key !== 'offset')
                delete token[key];
        Object.assign(token, { type: 'block-scalar', indent, props, source: body });
    }
}
/** @returns `true` if last token is a newline */
function addEndtoBlockProps(props, end) {
    if (end)
        for (const st of end)
            switch (st.type) {
                case 'space':
                case 'comment':
                    props.push(st);
                    break;
                case 'newline':
                    props.push(st);
                    return true;
            }
    return false;
}
function setFlowScalarValue(token, source, type) {
    switch (token.type) {
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            token.type = type;
            token.source = source;
            break;
        case 'block-scalar': {
            const end = token.props.slice(1);
            let oa = source.length;
            if (token.props[0].type === 'block-scalar-header')
                oa -= token.props[0].source.length;
            for (const tok of end)
                tok.offset += oa;
            delete token.props;
            Object.assign(token, { type, source, end });
            break;
        }
        case 'block-map':
        case 'block-seq': {
            const offset = token.offset + source.length;
            const nl = { type: 'newline', offset, indent: token.indent, source: '\n' };
            delete token.items;
            Object.assign(token, { type, source, end: [nl] });
            break;
        }
        default: {
            const indent = 'indent' in token ? token.indent : -1;
            const end = 'end' in token && Array.isArray(token.end)
                ? token.end.filter(st => st.type === 'space' ||
                    st.type === 'comment' ||
                    st.type === 'newline')
                : [];
            for (const key of Object.keys(token))
                if (key !== 'type' && key !== 'offset')
                    delete token[key];
            Object.assign(token, { type, indent, source, end });
        }
    }
}

exports.createScalarToken = createScalarToken;
exports.resolveAsScalar = resolveAsScalar;
exports.setScalarValue = setScalarValue;


/***/ }),

/***/ 1733:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringify a CST document, token, or collection item
 *
 * Fair warning: This applies no validation whatsoever, and
 * simply concatenates the sources in their logical order.
 */
const stringify = (cst) => 'type' in cst ? stringifyToken(cst) : stringifyItem(cst);
function stringifyToken(token) {
    switch (token.type) {
        case 'block-scalar': {
            let res = '';
            for (const tok of token.props)
                res += stringifyToken(tok);
            return res + token.source;
        }
        case 'block-map':
        case 'block-seq': {
            let res = '';
            for (const item of token.items)
                res += stringifyItem(item);
            return res;
        }
        case 'flow-collection': {
            let res = token.start.source;
            for (const item of token.items)
                res += stringifyItem(item);
            for (const st of token.end)
                res += st.source;
            return res;
        }
        case 'document': {
            let res = stringifyItem(token);
            if (token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
        default: {
            let res = token.source;
            if ('end' in token && token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
    }
}
function stringifyItem({ start, key, sep, value }) {
    let res = '';
    for (const st of start)
        res += st.source;
    if (key)
        res += stringifyToken(key);
    if (sep)
        for (const st of sep)
            res += st.source;
    if (value)
        res += stringifyToken(value);
    return res;
}

exports.stringify = stringify;


/***/ }),

/***/ 7715:
/***/ ((__unused_webpack_module, exports) => {



const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove item');
/**
 * Apply a visitor to a CST document or item.
 *
 * Walks through the tree (depth-first) starting from the root, calling a
 * `visitor` function with two arguments when entering each item:
 *   - `item`: The current item, which included the following members:
 *     - `start: SourceToken[]` – Source tokens before the key or value,
 *       possibly including its anchor or tag.
 *     - `key?: Token | null` – Set for pair values. May then be `null`, if
 *       the key before the `:` separator is empty.
 *     - `sep?: SourceToken[]` – Source tokens between the key and the value,
 *       which should include the `:` map value indicator if `value` is set.
 *     - `value?: Token` – The value of a sequence item, or of a map pair.
 *   - `path`: The steps from the root to the current node, as an array of
 *     `['key' | 'value', number]` tuples.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this token, continue with
 *      next sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current item, then continue with the next one
 *   - `number`: Set the index of the next step. This is useful especially if
 *     the index of the current token has changed.
 *   - `function`: Define the next visitor for this item. After the original
 *     visitor is called on item entry, next visitors are called after handling
 *     a non-empty `key` and when exiting the item.
 */
function visit(cst, visitor) {
    if ('type' in cst && cst.type === 'document')
        cst = { start: cst.start, value: cst.value };
    _visit(Object.freeze([]), cst, visitor);
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current item */
visit.SKIP = SKIP;
/** Remove the current item */
visit.REMOVE = REMOVE;
/** Find the item at `path` from `cst` as the root */
visit.itemAtPath = (cst, path) => {
    let item = cst;
    for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && 'items' in tok) {
            item = tok.items[index];
        }
        else
            return undefined;
    }
    return item;
};
/**
 * Get the immediate parent collection of the item at `path` from `cst` as the root.
 *
 * Throws an error if the collection is not found, which should never happen if the item itself exists.
 */
visit.parentCollection = (cst, path) => {
    const parent = visit.itemAtPath(cst, path.slice(0, -1));
    const field = path[path.length - 1][0];
    const coll = parent?.[field];
    if (coll && 'items' in coll)
        return coll;
    throw new Error('Parent collection not found');
};
function _visit(path, item, visitor) {
    let ctrl = visitor(item, path);
    if (typeof ctrl === 'symbol')
        return ctrl;
    for (const field of ['key', 'value']) {
        const token = item[field];
        if (token && 'items' in token) {
            for (let i = 0; i < token.items.length; ++i) {
                const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    token.items.splice(i, 1);
                    i -= 1;
                }
            }
            if (typeof ctrl === 'function' && field === 'key')
                ctrl = ctrl(item, path);
        }
    }
    return typeof ctrl === 'function' ? ctrl(item, path) : ctrl;
}

exports.visit = visit;


/***/ }),

/***/ 3461:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cstScalar = __nccwpck_require__(110);
var cstStringify = __nccwpck_require__(1733);
var cstVisit = __nccwpck_require__(7715);

/** The byte order mark */
const BOM = '\u{FEFF}';
/** Start of doc-mode */
const DOCUMENT = '\x02'; // C0: Start of Text
/** Unexpected end of flow-mode */
const FLOW_END = '\x18'; // C0: Cancel
/** Next token is a scalar value */
const SCALAR = '\x1f'; // C0: Unit Separator
/** @returns `true` if `token` is a flow or block collection */
const isCollection = (token) => !!token && 'items' in token;
/** @returns `true` if `token` is a flow or block scalar; not an alias */
const isScalar = (token) => !!token &&
    (token.type === 'scalar' ||
        token.type === 'single-quoted-scalar' ||
        token.type === 'double-quoted-scalar' ||
        token.type === 'block-scalar');
/* istanbul ignore next */
/** Get a printable representation of a lexer token */
function prettyToken(token) {
    switch (token) {
        case BOM:
            return '<BOM>';
        case DOCUMENT:
            return '<DOC>';
        case FLOW_END:
            return '<FLOW_END>';
        case SCALAR:
            return '<SCALAR>';
        default:
            return JSON.stringify(token);
    }
}
/** Identify the type of a lexer token. May return `null` for unknown tokens. */
function tokenType(source) {
    switch (source) {
        case BOM:
            return 'byte-order-mark';
        case DOCUMENT:
            return 'doc-mode';
        case FLOW_END:
            return 'flow-error-end';
        case SCALAR:
            return 'scalar';
        case '---':
            return 'doc-start';
        case '...':
            return 'doc-end';
        case '':
        case '\n':
        case '\r\n':
            return 'newline';
        case '-':
            return 'seq-item-ind';
        case '?':
            return 'explicit-key-ind';
        case ':':
            return 'map-value-ind';
        case '{':
            return 'flow-map-start';
        case '}':
            return 'flow-map-end';
        case '[':
            return 'flow-seq-start';
        case ']':
            return 'flow-seq-end';
        case ',':
            return 'comma';
    }
    switch (source[0]) {
        case ' ':
        case '\t':
            return 'space';
        case '#':
            return 'comment';
        case '%':
            return 'directive-line';
        case '*':
            return 'alias';
        case '&':
            return 'anchor';
        case '!':
            return 'tag';
        case "'":
            return 'single-quoted-scalar';
        case '"':
            return 'double-quoted-scalar';
        case '|':
        case '>':
            return 'block-scalar-header';
    }
    return null;
}

exports.createScalarToken = cstScalar.createScalarToken;
exports.resolveAsScalar = cstScalar.resolveAsScalar;
exports.setScalarValue = cstScalar.setScalarValue;
exports.stringify = cstStringify.stringify;
exports.visit = cstVisit.visit;
exports.BOM = BOM;
exports.DOCUMENT = DOCUMENT;
exports.FLOW_END = FLOW_END;
exports.SCALAR = SCALAR;
exports.isCollection = isCollection;
exports.isScalar = isScalar;
exports.prettyToken = prettyToken;
exports.tokenType = tokenType;


/***/ }),

/***/ 361:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cst = __nccwpck_require__(3461);

/*
START -> stream

stream
  directive -> line-end -> stream
  indent + line-end -> stream
  [else] -> line-start

line-end
  comment -> line-end
  newline -> .
  input-end -> END

line-start
  doc-start -> doc
  doc-end -> stream
  [else] -> indent -> block-start

block-start
  seq-item-start -> block-start
  explicit-key-start -> block-start
  map-value-start -> block-start
  [else] -> doc

doc
  line-end -> line-start
  spaces -> doc
  anchor -> doc
  tag -> doc
  flow-start -> flow -> doc
  flow-end -> error -> doc
  seq-item-start -> error -> doc
  explicit-key-start -> error -> doc
  map-value-start -> doc
  alias -> doc
  quote-start -> quoted-scalar -> doc
  block-scalar-header -> line-end -> block-scalar(min) -> line-start
  [else] -> plain-scalar(false, min) -> doc

flow
  line-end -> flow
  spaces -> flow
  anchor -> flow
  tag -> flow
  flow-start -> flow -> flow
  flow-end -> .
  seq-item-start -> error -> flow
  explicit-key-start -> flow
  map-value-start -> flow
  alias -> flow
  quote-start -> quoted-scalar -> flow
  comma -> flow
  [else] -> plain-scalar(true, 0) -> flow

quoted-scalar
  quote-end -> .
  [else] -> quoted-scalar

block-scalar(min)
  newline + peek(indent < min) -> .
  [else] -> block-scalar(min)

plain-scalar(is-flow, min)
  scalar-end(is-flow) -> .
  peek(newline + (indent < min)) -> .
  [else] -> plain-scalar(min)
*/
function isEmpty(ch) {
    switch (ch) {
        case undefined:
        case ' ':
        case '\n':
        case '\r':
        case '\t':
            return true;
        default:
            return false;
    }
}
const hexDigits = new Set('0123456789ABCDEFabcdef');
const tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
const flowIndicatorChars = new Set(',[]{}');
const invalidAnchorChars = new Set(' ,[]{}\n\r\t');
const isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
/**
 * Splits an input string into lexical tokens, i.e. smaller strings that are
 * easily identifiable by `tokens.tokenType()`.
 *
 * Lexing starts always in a "stream" context. Incomplete input may be buffered
 * until a complete token can be emitted.
 *
 * In addition to slices of the original input, the following control characters
 * may also be emitted:
 *
 * - `\x02` (Start of Text): A document starts with the next token
 * - `\x18` (Cancel): Unexpected end of flow-mode (indicates an error)
 * - `\x1f` (Unit Separator): Next token is a scalar value
 * - `\u{FEFF}` (Byte order mark): Emitted separately outside documents
 */
class Lexer {
    constructor() {
        /**
         * Flag indicating whether the end of the current buffer marks the end of
         * all input
         */
        this.atEnd = false;
        /**
         * Explicit indent set in block scalar header, as an offset from the current
         * minimum indent, so e.g. set to 1 from a header `|2+`. Set to -1 if not
         * explicitly set.
         */
        this.blockScalarIndent = -1;
        /**
         * Block scalars that include a + (keep) chomping indicator in their header
         * include trailing empty lines, which are otherwise excluded from the
         * scalar's contents.
         */
        this.blockScalarKeep = false;
        /** Current input */
        this.buffer = '';
        /**
         * Flag noting whether the map value indicator : can immediately follow this
         * node within a flow context.
         */
        this.flowKey = false;
        /** Count of surrounding flow collection levels. */
        this.flowLevel = 0;
        /**
         * Minimum level of indentation required for next lines to be parsed as a
         * part of the current scalar value.
         */
        this.indentNext = 0;
        /** Indentation level of the current line. */
        this.indentValue = 0;
        /** Position of the next \n character. */
        this.lineEndPos = null;
        /** Stores the state of the lexer if reaching the end of incpomplete input */
        this.next = null;
        /** A pointer to `buffer`; the current position of the lexer. */
        this.pos = 0;
    }
    /**
     * Generate YAML tokens from the `source` string. If `incomplete`,
     * a part of the last line may be left as a buffer for the next call.
     *
     * @returns A generator of lexical tokens
     */
    *lex(source, incomplete = false) {
        if (source) {
            if (typeof source !== 'string')
                throw TypeError('source is not a string');
            this.buffer = this.buffer ? this.buffer + source : source;
            this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? 'stream';
        while (next && (incomplete || this.hasChars(1)))
            next = yield* this.parseNext(next);
    }
    atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === ' ' || ch === '\t')
            ch = this.buffer[++i];
        if (!ch || ch === '#' || ch === '\n')
            return true;
        if (ch === '\r')
            return this.buffer[i + 1] === '\n';
        return false;
    }
    charAt(n) {
        return this.buffer[this.pos + n];
    }
    continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
            let indent = 0;
            while (ch === ' ')
                ch = this.buffer[++indent + offset];
            if (ch === '\r') {
                const next = this.buffer[indent + offset + 1];
                if (next === '\n' || (!next && !this.atEnd))
                    return offset + indent + 1;
            }
            return ch === '\n' || indent >= this.indentNext || (!ch && !this.atEnd)
                ? offset + indent
                : -1;
        }
        if (ch === '-' || ch === '.') {
            const dt = this.buffer.substr(offset, 3);
            if ((dt === '---' || dt === '...') && isEmpty(this.buffer[offset + 3]))
                return -1;
        }
        return offset;
    }
    getLine() {
        let end = this.lineEndPos;
        if (typeof end !== 'number' || (end !== -1 && end < this.pos)) {
            end = this.buffer.indexOf('\n', this.pos);
            this.lineEndPos = end;
        }
        if (end === -1)
            return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === '\r')
            end -= 1;
        return this.buffer.substring(this.pos, end);
    }
    hasChars(n) {
        return this.pos + n <= this.buffer.length;
    }
    setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
    }
    peek(n) {
        return this.buffer.substr(this.pos, n);
    }
    *parseNext(next) {
        switch (next) {
            case 'stream':
                return yield* this.parseStream();
            case 'line-start':
                return yield* this.parseLineStart();
            case 'block-start':
                return yield* this.parseBlockStart();
            case 'doc':
                return yield* this.parseDocument();
            case 'flow':
                return yield* this.parseFlowCollection();
            case 'quoted-scalar':
                return yield* this.parseQuotedScalar();
            case 'block-scalar':
                return yield* this.parseBlockScalar();
            case 'plain-scalar':
                return yield* this.parsePlainScalar();
        }
    }
    *parseStream() {
        let line = this.getLine();
        if (line === null)
            return this.setNext('stream');
        if (line[0] === cst.BOM) {
            yield* this.pushCount(1);
            line = line.substring(1);
        }
        if (line[0] === '%') {
            let dirEnd = line.length;
            let cs = line.indexOf('#');
            while (cs !== -1) {
                const ch = line[cs - 1];
                if (ch === ' ' || ch === '\t') {
                    dirEnd = cs - 1;
                    break;
                }
                else {
                    cs = line.indexOf('#', cs + 1);
                }
            }
            while (true) {
                const ch = line[dirEnd - 1];
                if (ch === ' ' || ch === '\t')
                    dirEnd -= 1;
                else
                    break;
            }
            const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
            yield* this.pushCount(line.length - n); // possible comment
            this.pushNewline();
            return 'stream';
        }
        if (this.atLineEnd()) {
            const sp = yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - sp);
            yield* this.pushNewline();
            return 'stream';
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
    }
    *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
            return this.setNext('line-start');
        if (ch === '-' || ch === '.') {
            if (!this.atEnd && !this.hasChars(4))
                return this.setNext('line-start');
            const s = this.peek(3);
            if ((s === '---' || s === '...') && isEmpty(this.charAt(3))) {
                yield* this.pushCount(3);
                this.indentValue = 0;
                this.indentNext = 0;
                return s === '---' ? 'doc' : 'stream';
            }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
            this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
    }
    *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
            return this.setNext('block-start');
        if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(ch1)) {
            const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
            this.indentNext = this.indentValue + 1;
            this.indentValue += n;
            return 'block-start';
        }
        return 'doc';
    }
    *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
            return this.setNext('doc');
        let n = yield* this.pushIndicators();
        switch (line[n]) {
            case '#':
                yield* this.pushCount(line.length - n);
            // fallthrough
            case undefined:
                yield* this.pushNewline();
                return yield* this.parseLineStart();
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel = 1;
                return 'flow';
            case '}':
            case ']':
                // this is an error
                yield* this.pushCount(1);
                return 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'doc';
            case '"':
            case "'":
                return yield* this.parseQuotedScalar();
            case '|':
            case '>':
                n += yield* this.parseBlockScalarHeader();
                n += yield* this.pushSpaces(true);
                yield* this.pushCount(line.length - n);
                yield* this.pushNewline();
                return yield* this.parseBlockScalar();
            default:
                return yield* this.parsePlainScalar();
        }
    }
    *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
            nl = yield* this.pushNewline();
            if (nl > 0) {
                sp = yield* this.pushSpaces(false);
                this.indentValue = indent = sp;
            }
            else {
                sp = 0;
            }
            sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
            return this.setNext('flow');
        if ((indent !== -1 && indent < this.indentNext && line[0] !== '#') ||
            (indent === 0 &&
                (line.startsWith('---') || line.startsWith('...')) &&
                isEmpty(line[3]))) {
            // Allowing for the terminal ] or } at the same (rather than greater)
            // indent level as the initial [ or { is technically invalid, but
            // failing here would be surprising to users.
            const atFlowEndMarker = indent === this.indentNext - 1 &&
                this.flowLevel === 1 &&
                (line[0] === ']' || line[0] === '}');
            if (!atFlowEndMarker) {
                // this is an error
                this.flowLevel = 0;
                yield cst.FLOW_END;
                return yield* this.parseLineStart();
            }
        }
        let n = 0;
        while (line[n] === ',') {
            n += yield* this.pushCount(1);
            n += yield* this.pushSpaces(true);
            this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
            case undefined:
                return 'flow';
            case '#':
                yield* this.pushCount(line.length - n);
                return 'flow';
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel += 1;
                return 'flow';
            case '}':
            case ']':
                yield* this.pushCount(1);
                this.flowKey = true;
                this.flowLevel -= 1;
                return this.flowLevel ? 'flow' : 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'flow';
            case '"':
            case "'":
                this.flowKey = true;
                return yield* this.parseQuotedScalar();
            case ':': {
                const next = this.charAt(1);
                if (this.flowKey || isEmpty(next) || next === ',') {
                    this.flowKey = false;
                    yield* this.pushCount(1);
                    yield* this.pushSpaces(true);
                    return 'flow';
                }
            }
            // fallthrough
            default:
                this.flowKey = false;
                return yield* this.parsePlainScalar();
        }
    }
    *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
            while (end !== -1 && this.buffer[end + 1] === "'")
                end = this.buffer.indexOf("'", end + 2);
        }
        else {
            // double-quote
            while (end !== -1) {
                let n = 0;
                while (this.buffer[end - 1 - n] === '\\')
                    n += 1;
                if (n % 2 === 0)
                    break;
                end = this.buffer.indexOf('"', end + 1);
            }
        }
        // Only looking for newlines within the quotes
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf('\n', this.pos);
        if (nl !== -1) {
            while (nl !== -1) {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = qb.indexOf('\n', cs);
            }
            if (nl !== -1) {
                // this is an error caused by an unexpected unindent
                end = nl - (qb[nl - 1] === '\r' ? 2 : 1);
            }
        }
        if (end === -1) {
            if (!this.atEnd)
                return this.setNext('quoted-scalar');
            end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? 'flow' : 'doc';
    }
    *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
            const ch = this.buffer[++i];
            if (ch === '+')
                this.blockScalarKeep = true;
            else if (ch > '0' && ch <= '9')
                this.blockScalarIndent = Number(ch) - 1;
            else if (ch !== '-')
                break;
        }
        return yield* this.pushUntil(ch => isEmpty(ch) || ch === '#');
    }
    *parseBlockScalar() {
        let nl = this.pos - 1; // may be -1 if this.pos === 0
        let indent = 0;
        let ch;
        loop: for (let i = this.pos; (ch = this.buffer[i]); ++i) {
            switch (ch) {
                case ' ':
                    indent += 1;
                    break;
                case '\n':
                    nl = i;
                    indent = 0;
                    break;
                case '\r': {
                    const next = this.buffer[i + 1];
                    if (!next && !this.atEnd)
                        return this.setNext('block-scalar');
                    if (next === '\n')
                        break;
                } // fallthrough
                default:
                    break loop;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('block-scalar');
        if (indent >= this.indentNext) {
            if (this.blockScalarIndent === -1)
                this.indentNext = indent;
            else {
                this.indentNext =
                    this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
            }
            do {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = this.buffer.indexOf('\n', cs);
            } while (nl !== -1);
            if (nl === -1) {
                if (!this.atEnd)
                    return this.setNext('block-scalar');
                nl = this.buffer.length;
            }
        }
        // Trailing insufficiently indented tabs are invalid.
        // To catch that during parsing, we include them in the block scalar value.
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === ' ')
            ch = this.buffer[++i];
        if (ch === '\t') {
            while (ch === '\t' || ch === ' ' || ch === '\r' || ch === '\n')
                ch = this.buffer[++i];
            nl = i - 1;
        }
        else if (!this.blockScalarKeep) {
            do {
                let i = nl - 1;
                let ch = this.buffer[i];
                if (ch === '\r')
                    ch = this.buffer[--i];
                const lastChar = i; // Drop the line if last char not more indented
                while (ch === ' ')
                    ch = this.buffer[--i];
                if (ch === '\n' && i >= this.pos && i + 1 + indent > lastChar)
                    nl = i;
                else
                    break;
            } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
    }
    *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while ((ch = this.buffer[++i])) {
            if (ch === ':') {
                const next = this.buffer[i + 1];
                if (isEmpty(next) || (inFlow && flowIndicatorChars.has(next)))
                    break;
                end = i;
            }
            else if (isEmpty(ch)) {
                let next = this.buffer[i + 1];
                if (ch === '\r') {
                    if (next === '\n') {
                        i += 1;
                        ch = '\n';
                        next = this.buffer[i + 1];
                    }
                    else
                        end = i;
                }
                if (next === '#' || (inFlow && flowIndicatorChars.has(next)))
                    break;
                if (ch === '\n') {
                    const cs = this.continueScalar(i + 1);
                    if (cs === -1)
                        break;
                    i = Math.max(i, cs - 2); // to advance, but still account for ' #'
                }
            }
            else {
                if (inFlow && flowIndicatorChars.has(ch))
                    break;
                end = i;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('plain-scalar');
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? 'flow' : 'doc';
    }
    *pushCount(n) {
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos += n;
            return n;
        }
        return 0;
    }
    *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
            yield s;
            this.pos += s.length;
            return s.length;
        }
        else if (allowEmpty)
            yield '';
        return 0;
    }
    *pushIndicators() {
        let n = 0;
        loop: while (true) {
            switch (this.charAt(0)) {
                case '!':
                    n += yield* this.pushTag();
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '&':
                    n += yield* this.pushUntil(isNotAnchorChar);
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '-': // this is an error
                case '?': // this is an error outside flow collections
                case ':': {
                    const inFlow = this.flowLevel > 0;
                    const ch1 = this.charAt(1);
                    if (isEmpty(ch1) || (inFlow && flowIndicatorChars.has(ch1))) {
                        if (!inFlow)
                            this.indentNext = this.indentValue + 1;
                        else if (this.flowKey)
                            this.flowKey = false;
                        n += yield* this.pushCount(1);
                        n += yield* this.pushSpaces(true);
                        continue loop;
                    }
                }
            }
            break loop;
        }
        return n;
    }
    *pushTag() {
        if (this.charAt(1) === '<') {
            let i = this.pos + 2;
            let ch = this.buffer[i];
            while (!isEmpty(ch) && ch !== '>')
                ch = this.buffer[++i];
            return yield* this.pushToIndex(ch === '>' ? i + 1 : i, false);
        }
        else {
            let i = this.pos + 1;
            let ch = this.buffer[i];
            while (ch) {
                if (tagChars.has(ch))
                    ch = this.buffer[++i];
                else if (ch === '%' &&
                    hexDigits.has(this.buffer[i + 1]) &&
                    hexDigits.has(this.buffer[i + 2])) {
                    ch = this.buffer[(i += 3)];
                }
                else
                    break;
            }
            return yield* this.pushToIndex(i, false);
        }
    }
    *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === '\n')
            return yield* this.pushCount(1);
        else if (ch === '\r' && this.charAt(1) === '\n')
            return yield* this.pushCount(2);
        else
            return 0;
    }
    *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
            ch = this.buffer[++i];
        } while (ch === ' ' || (allowTabs && ch === '\t'));
        const n = i - this.pos;
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos = i;
        }
        return n;
    }
    *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
            ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
    }
}

exports.Lexer = Lexer;


/***/ }),

/***/ 6628:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Tracks newlines during parsing in order to provide an efficient API for
 * determining the one-indexed `{ line, col }` position for any offset
 * within the input.
 */
class LineCounter {
    constructor() {
        this.lineStarts = [];
        /**
         * Should be called in ascending order. Otherwise, call
         * `lineCounter.lineStarts.sort()` before calling `linePos()`.
         */
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        /**
         * Performs a binary search and returns the 1-indexed { line, col }
         * position of `offset`. If `line === 0`, `addNewLine` has never been
         * called or `offset` is before the first known newline.
         */
        this.linePos = (offset) => {
            let low = 0;
            let high = this.lineStarts.length;
            while (low < high) {
                const mid = (low + high) >> 1; // Math.floor((low + high) / 2)
                if (this.lineStarts[mid] < offset)
                    low = mid + 1;
                else
                    high = mid;
            }
            if (this.lineStarts[low] === offset)
                return { line: low + 1, col: 1 };
            if (low === 0)
                return { line: 0, col: offset };
            const start = this.lineStarts[low - 1];
            return { line: low, col: offset - start + 1 };
        };
    }
}

exports.LineCounter = LineCounter;


/***/ }),

/***/ 3456:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);

function includesToken(list, type) {
    for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
            return true;
    return false;
}
function findNonEmptyIndex(list) {
    for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
            case 'space':
            case 'comment':
            case 'newline':
                break;
            default:
                return i;
        }
    }
    return -1;
}
function isFlowToken(token) {
    switch (token?.type) {
        case 'alias':
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'flow-collection':
            return true;
        default:
            return false;
    }
}
function getPrevProps(parent) {
    switch (parent.type) {
        case 'document':
            return parent.start;
        case 'block-map': {
            const it = parent.items[parent.items.length - 1];
            return it.sep ?? it.start;
        }
        case 'block-seq':
            return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
            return [];
    }
}
/** Note: May modify input array */
function getFirstKeyStartProps(prev) {
    if (prev.length === 0)
        return [];
    let i = prev.length;
    loop: while (--i >= 0) {
        switch (prev[i].type) {
            case 'doc-start':
            case 'explicit-key-ind':
            case 'map-value-ind':
            case 'seq-item-ind':
            case 'newline':
                break loop;
        }
    }
    while (prev[++i]?.type === 'space') {
        /* loop */
    }
    return prev.splice(i, prev.length);
}
function arrayPushArray(target, source) {
    // May exhaust call stack with large `source` array
    if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
    else
        for (let i = 0; i < source.length; ++i)
            target.push(source[i]);
}
function fixFlowSeqItems(fc) {
    if (fc.start.type === 'flow-seq-start') {
        for (const it of fc.items) {
            if (it.sep &&
                !it.value &&
                !includesToken(it.start, 'explicit-key-ind') &&
                !includesToken(it.sep, 'map-value-ind')) {
                if (it.key)
                    it.value = it.key;
                delete it.key;
                if (isFlowToken(it.value)) {
                    if (it.value.end)
                        arrayPushArray(it.value.end, it.sep);
                    else
                        it.value.end = it.sep;
                }
                else
                    arrayPushArray(it.start, it.sep);
                delete it.sep;
            }
        }
    }
}
/**
 * A YAML concrete syntax tree (CST) parser
 *
 * ```ts
 * const src: string = ...
 * for (const token of new Parser().parse(src)) {
 *   // token: Token
 * }
 * ```
 *
 * To use the parser with a user-provided lexer:
 *
 * ```ts
 * function* parse(source: string, lexer: Lexer) {
 *   const parser = new Parser()
 *   for (const lexeme of lexer.lex(source))
 *     yield* parser.next(lexeme)
 *   yield* parser.end()
 * }
 *
 * const src: string = ...
 * const lexer = new Lexer()
 * for (const token of parse(src, lexer)) {
 *   // token: Token
 * }
 * ```
 */
class Parser {
    /**
     * @param onNewLine - If defined, called separately with the start position of
     *   each new line (in `parse()`, including the start of input).
     */
    constructor(onNewLine) {
        /** If true, space and sequence indicators count as indentation */
        this.atNewLine = true;
        /** If true, next token is a scalar value */
        this.atScalar = false;
        /** Current indentation level */
        this.indent = 0;
        /** Current offset since the start of parsing */
        this.offset = 0;
        /** On the same line with a block map key */
        this.onKeyLine = false;
        /** Top indicates the node that's currently being built */
        this.stack = [];
        /** The source of the current token, set in parse() */
        this.source = '';
        /** The type of the current token, set in parse() */
        this.type = '';
        // Must be defined after `next()`
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
    }
    /**
     * Parse `source` as a YAML stream.
     * If `incomplete`, a part of the last line may be left as a buffer for the next call.
     *
     * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
     *
     * @returns A generator of tokens representing each directive, document, and other structure.
     */
    *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
            this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
            yield* this.next(lexeme);
        if (!incomplete)
            yield* this.end();
    }
    /**
     * Advance the parser by the `source` of one lexical token.
     */
    *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
            console.log('|', cst.prettyToken(source));
        if (this.atScalar) {
            this.atScalar = false;
            yield* this.step();
            this.offset += source.length;
            return;
        }
        const type = cst.tokenType(source);
        if (!type) {
            const message = `Not a YAML token: ${source}`;
            yield* this.pop({ type: 'error', offset: this.offset, message, source });
            this.offset += source.length;
        }
        else if (type === 'scalar') {
            this.atNewLine = false;
            this.atScalar = true;
            this.type = 'scalar';
        }
        else {
            this.type = type;
            yield* this.step();
            switch (type) {
                case 'newline':
                    this.atNewLine = true;
                    this.indent = 0;
                    if (this.onNewLine)
                        this.onNewLine(this.offset + source.length);
                    break;
                case 'space':
                    if (this.atNewLine && source[0] === ' ')
                        this.indent += source.length;
                    break;
                case 'explicit-key-ind':
                case 'map-value-ind':
                case 'seq-item-ind':
                    if (this.atNewLine)
                        this.indent += source.length;
                    break;
                case 'doc-mode':
                case 'flow-error-end':
                    return;
                default:
                    this.atNewLine = false;
            }
            this.offset += source.length;
        }
    }
    /** Call at end of input to push out any remaining constructions */
    *end() {
        while (this.stack.length > 0)
            yield* this.pop();
    }
    get sourceToken() {
        const st = {
            type: this.type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
        return st;
    }
    *step() {
        const top = this.peek(1);
        if (this.type === 'doc-end' && top?.type !== 'doc-end') {
            while (this.stack.length > 0)
                yield* this.pop();
            this.stack.push({
                type: 'doc-end',
                offset: this.offset,
                source: this.source
            });
            return;
        }
        if (!top)
            return yield* this.stream();
        switch (top.type) {
            case 'document':
                return yield* this.document(top);
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return yield* this.scalar(top);
            case 'block-scalar':
                return yield* this.blockScalar(top);
            case 'block-map':
                return yield* this.blockMap(top);
            case 'block-seq':
                return yield* this.blockSequence(top);
            case 'flow-collection':
                return yield* this.flowCollection(top);
            case 'doc-end':
                return yield* this.documentEnd(top);
        }
        /* istanbul ignore next should not happen */
        yield* this.pop();
    }
    peek(n) {
        return this.stack[this.stack.length - n];
    }
    *pop(error) {
        const token = error ?? this.stack.pop();
        /* istanbul ignore if should not happen */
        if (!token) {
            const message = 'Tried to pop an empty stack';
            yield { type: 'error', offset: this.offset, source: '', message };
        }
        else if (this.stack.length === 0) {
            yield token;
        }
        else {
            const top = this.peek(1);
            if (token.type === 'block-scalar') {
                // Block scalars use their parent rather than header indent
                token.indent = 'indent' in top ? top.indent : 0;
            }
            else if (token.type === 'flow-collection' && top.type === 'document') {
                // Ignore all indent for top-level flow collections
                token.indent = 0;
            }
            if (token.type === 'flow-collection')
                fixFlowSeqItems(token);
            switch (top.type) {
                case 'document':
                    top.value = token;
                    break;
                case 'block-scalar':
                    top.props.push(token); // error
                    break;
                case 'block-map': {
                    const it = top.items[top.items.length - 1];
                    if (it.value) {
                        top.items.push({ start: [], key: token, sep: [] });
                        this.onKeyLine = true;
                        return;
                    }
                    else if (it.sep) {
                        it.value = token;
                    }
                    else {
                        Object.assign(it, { key: token, sep: [] });
                        this.onKeyLine = !it.explicitKey;
                        return;
                    }
                    break;
                }
                case 'block-seq': {
                    const it = top.items[top.items.length - 1];
                    if (it.value)
                        top.items.push({ start: [], value: token });
                    else
                        it.value = token;
                    break;
                }
                case 'flow-collection': {
                    const it = top.items[top.items.length - 1];
                    if (!it || it.value)
                        top.items.push({ start: [], key: token, sep: [] });
                    else if (it.sep)
                        it.value = token;
                    else
                        Object.assign(it, { key: token, sep: [] });
                    return;
                }
                /* istanbul ignore next should not happen */
                default:
                    yield* this.pop();
                    yield* this.pop(token);
            }
            if ((top.type === 'document' ||
                top.type === 'block-map' ||
                top.type === 'block-seq') &&
                (token.type === 'block-map' || token.type === 'block-seq')) {
                const last = token.items[token.items.length - 1];
                if (last &&
                    !last.sep &&
                    !last.value &&
                    last.start.length > 0 &&
                    findNonEmptyIndex(last.start) === -1 &&
                    (token.indent === 0 ||
                        last.start.every(st => st.type !== 'comment' || st.indent < token.indent))) {
                    if (top.type === 'document')
                        top.end = last.start;
                    else
                        top.items.push({ start: last.start });
                    token.items.splice(-1, 1);
                }
            }
        }
    }
    *stream() {
        switch (this.type) {
            case 'directive-line':
                yield { type: 'directive', offset: this.offset, source: this.source };
                return;
            case 'byte-order-mark':
            case 'space':
            case 'comment':
            case 'newline':
                yield this.sourceToken;
                return;
            case 'doc-mode':
            case 'doc-start': {
                const doc = {
                    type: 'document',
                    offset: this.offset,
                    start: []
                };
                if (this.type === 'doc-start')
                    doc.start.push(this.sourceToken);
                this.stack.push(doc);
                return;
            }
        }
        yield {
            type: 'error',
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML stream`,
            source: this.source
        };
    }
    *document(doc) {
        if (doc.value)
            return yield* this.lineEnd(doc);
        switch (this.type) {
            case 'doc-start': {
                if (findNonEmptyIndex(doc.start) !== -1) {
                    yield* this.pop();
                    yield* this.step();
                }
                else
                    doc.start.push(this.sourceToken);
                return;
            }
            case 'anchor':
            case 'tag':
            case 'space':
            case 'comment':
            case 'newline':
                doc.start.push(this.sourceToken);
                return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
            this.stack.push(bv);
        else {
            yield {
                type: 'error',
                offset: this.offset,
                message: `Unexpected ${this.type} token in YAML document`,
                source: this.source
            };
        }
    }
    *scalar(scalar) {
        if (this.type === 'map-value-ind') {
            const prev = getPrevProps(this.peek(2));
            const start = getFirstKeyStartProps(prev);
            let sep;
            if (scalar.end) {
                sep = scalar.end;
                sep.push(this.sourceToken);
                delete scalar.end;
            }
            else
                sep = [this.sourceToken];
            const map = {
                type: 'block-map',
                offset: scalar.offset,
                indent: scalar.indent,
                items: [{ start, key: scalar, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
        }
        else
            yield* this.lineEnd(scalar);
    }
    *blockScalar(scalar) {
        switch (this.type) {
            case 'space':
            case 'comment':
            case 'newline':
                scalar.props.push(this.sourceToken);
                return;
            case 'scalar':
                scalar.source = this.source;
                // block-scalar source includes trailing newline
                this.atNewLine = true;
                this.indent = 0;
                if (this.onNewLine) {
                    let nl = this.source.indexOf('\n') + 1;
                    while (nl !== 0) {
                        this.onNewLine(this.offset + nl);
                        nl = this.source.indexOf('\n', nl) + 1;
                    }
                }
                yield* this.pop();
                break;
            /* istanbul ignore next should not happen */
            default:
                yield* this.pop();
                yield* this.step();
        }
    }
    *blockMap(map) {
        const it = map.items[map.items.length - 1];
        // it.sep is true-ish if pair already has key or : separator
        switch (this.type) {
            case 'newline':
                this.onKeyLine = false;
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    it.start.push(this.sourceToken);
                }
                return;
            case 'space':
            case 'comment':
                if (it.value) {
                    map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    if (this.atIndentedComment(it.start, map.indent)) {
                        const prev = map.items[map.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            map.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
        }
        if (this.indent >= map.indent) {
            const atMapIndent = !this.onKeyLine && this.indent === map.indent;
            const atNextItem = atMapIndent &&
                (it.sep || it.explicitKey) &&
                this.type !== 'seq-item-ind';
            // For empty nodes, assign newline-separated not indented empty tokens to following node
            let start = [];
            if (atNextItem && it.sep && !it.value) {
                const nl = [];
                for (let i = 0; i < it.sep.length; ++i) {
                    const st = it.sep[i];
                    switch (st.type) {
                        case 'newline':
                            nl.push(i);
                            break;
                        case 'space':
                            break;
                        case 'comment':
                            if (st.indent > map.indent)
                                nl.length = 0;
                            break;
                        default:
                            nl.length = 0;
                    }
                }
                if (nl.length >= 2)
                    start = it.sep.splice(nl[1]);
            }
            switch (this.type) {
                case 'anchor':
                case 'tag':
                    if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        it.sep.push(this.sourceToken);
                    }
                    else {
                        it.start.push(this.sourceToken);
                    }
                    return;
                case 'explicit-key-ind':
                    if (!it.sep && !it.explicitKey) {
                        it.start.push(this.sourceToken);
                        it.explicitKey = true;
                    }
                    else if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start, explicitKey: true });
                    }
                    else {
                        this.stack.push({
                            type: 'block-map',
                            offset: this.offset,
                            indent: this.indent,
                            items: [{ start: [this.sourceToken], explicitKey: true }]
                        });
                    }
                    this.onKeyLine = true;
                    return;
                case 'map-value-ind':
                    if (it.explicitKey) {
                        if (!it.sep) {
                            if (includesToken(it.start, 'newline')) {
                                Object.assign(it, { key: null, sep: [this.sourceToken] });
                            }
                            else {
                                const start = getFirstKeyStartProps(it.start);
                                this.stack.push({
                                    type: 'block-map',
                                    offset: this.offset,
                                    indent: this.indent,
                                    items: [{ start, key: null, sep: [this.sourceToken] }]
                                });
                            }
                        }
                        else if (it.value) {
                            map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else if (isFlowToken(it.key) &&
                            !includesToken(it.sep, 'newline')) {
                            const start = getFirstKeyStartProps(it.start);
                            const key = it.key;
                            const sep = it.sep;
                            sep.push(this.sourceToken);
                            // @ts-expect-error type guard is wrong here
                            delete it.key;
                            // @ts-expect-error type guard is wrong here
                            delete it.sep;
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key, sep }]
                            });
                        }
                        else if (start.length > 0) {
                            // Not actually at next item
                            it.sep = it.sep.concat(start, this.sourceToken);
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    else {
                        if (!it.sep) {
                            Object.assign(it, { key: null, sep: [this.sourceToken] });
                        }
                        else if (it.value || atNextItem) {
                            map.items.push({ start, key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start: [], key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    this.onKeyLine = true;
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (atNextItem || it.value) {
                        map.items.push({ start, key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        this.stack.push(fs);
                    }
                    else {
                        Object.assign(it, { key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    return;
                }
                default: {
                    const bv = this.startBlockValue(map);
                    if (bv) {
                        if (bv.type === 'block-seq') {
                            if (!it.explicitKey &&
                                it.sep &&
                                !includesToken(it.sep, 'newline')) {
                                yield* this.pop({
                                    type: 'error',
                                    offset: this.offset,
                                    message: 'Unexpected block-seq-ind on same line with key',
                                    source: this.source
                                });
                                return;
                            }
                        }
                        else if (atMapIndent) {
                            map.items.push({ start });
                        }
                        this.stack.push(bv);
                        return;
                    }
                }
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
            case 'newline':
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        seq.items.push({ start: [this.sourceToken] });
                }
                else
                    it.start.push(this.sourceToken);
                return;
            case 'space':
            case 'comment':
                if (it.value)
                    seq.items.push({ start: [this.sourceToken] });
                else {
                    if (this.atIndentedComment(it.start, seq.indent)) {
                        const prev = seq.items[seq.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            seq.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
            case 'anchor':
            case 'tag':
                if (it.value || this.indent <= seq.indent)
                    break;
                it.start.push(this.sourceToken);
                return;
            case 'seq-item-ind':
                if (this.indent !== seq.indent)
                    break;
                if (it.value || includesToken(it.start, 'seq-item-ind'))
                    seq.items.push({ start: [this.sourceToken] });
                else
                    it.start.push(this.sourceToken);
                return;
        }
        if (this.indent > seq.indent) {
            const bv = this.startBlockValue(seq);
            if (bv) {
                this.stack.push(bv);
                return;
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === 'flow-error-end') {
            let top;
            do {
                yield* this.pop();
                top = this.peek(1);
            } while (top?.type === 'flow-collection');
        }
        else if (fc.end.length === 0) {
            switch (this.type) {
                case 'comma':
                case 'explicit-key-ind':
                    if (!it || it.sep)
                        fc.items.push({ start: [this.sourceToken] });
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'map-value-ind':
                    if (!it || it.value)
                        fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        Object.assign(it, { key: null, sep: [this.sourceToken] });
                    return;
                case 'space':
                case 'comment':
                case 'newline':
                case 'anchor':
                case 'tag':
                    if (!it || it.value)
                        fc.items.push({ start: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (!it || it.value)
                        fc.items.push({ start: [], key: fs, sep: [] });
                    else if (it.sep)
                        this.stack.push(fs);
                    else
                        Object.assign(it, { key: fs, sep: [] });
                    return;
                }
                case 'flow-map-end':
                case 'flow-seq-end':
                    fc.end.push(this.sourceToken);
                    return;
            }
            const bv = this.startBlockValue(fc);
            /* istanbul ignore else should not happen */
            if (bv)
                this.stack.push(bv);
            else {
                yield* this.pop();
                yield* this.step();
            }
        }
        else {
            const parent = this.peek(2);
            if (parent.type === 'block-map' &&
                ((this.type === 'map-value-ind' && parent.indent === fc.indent) ||
                    (this.type === 'newline' &&
                        !parent.items[parent.items.length - 1].sep))) {
                yield* this.pop();
                yield* this.step();
            }
            else if (this.type === 'map-value-ind' &&
                parent.type !== 'flow-collection') {
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                fixFlowSeqItems(fc);
                const sep = fc.end.splice(1, fc.end.length);
                sep.push(this.sourceToken);
                const map = {
                    type: 'block-map',
                    offset: fc.offset,
                    indent: fc.indent,
                    items: [{ start, key: fc, sep }]
                };
                this.onKeyLine = true;
                this.stack[this.stack.length - 1] = map;
            }
            else {
                yield* this.lineEnd(fc);
            }
        }
    }
    flowScalar(type) {
        if (this.onNewLine) {
            let nl = this.source.indexOf('\n') + 1;
            while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf('\n', nl) + 1;
            }
        }
        return {
            type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
    }
    startBlockValue(parent) {
        switch (this.type) {
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return this.flowScalar(this.type);
            case 'block-scalar-header':
                return {
                    type: 'block-scalar',
                    offset: this.offset,
                    indent: this.indent,
                    props: [this.sourceToken],
                    source: ''
                };
            case 'flow-map-start':
            case 'flow-seq-start':
                return {
                    type: 'flow-collection',
                    offset: this.offset,
                    indent: this.indent,
                    start: this.sourceToken,
                    items: [],
                    end: []
                };
            case 'seq-item-ind':
                return {
                    type: 'block-seq',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [this.sourceToken] }]
                };
            case 'explicit-key-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                start.push(this.sourceToken);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, explicitKey: true }]
                };
            }
            case 'map-value-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                };
            }
        }
        return null;
    }
    atIndentedComment(start, indent) {
        if (this.type !== 'comment')
            return false;
        if (this.indent <= indent)
            return false;
        return start.every(st => st.type === 'newline' || st.type === 'space');
    }
    *documentEnd(docEnd) {
        if (this.type !== 'doc-mode') {
            if (docEnd.end)
                docEnd.end.push(this.sourceToken);
            else
                docEnd.end = [this.sourceToken];
            if (this.type === 'newline')
                yield* this.pop();
        }
    }
    *lineEnd(token) {
        switch (this.type) {
            case 'comma':
            case 'doc-start':
            case 'doc-end':
            case 'flow-seq-end':
            case 'flow-map-end':
            case 'map-value-ind':
                yield* this.pop();
                yield* this.step();
                break;
            case 'newline':
                this.onKeyLine = false;
            // fallthrough
            case 'space':
            case 'comment':
            default:
                // all other values are errors
                if (token.end)
                    token.end.push(this.sourceToken);
                else
                    token.end = [this.sourceToken];
                if (this.type === 'newline')
                    yield* this.pop();
        }
    }
}

exports.Parser = Parser;


/***/ }),

/***/ 4047:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var log = __nccwpck_require__(7249);
var identity = __nccwpck_require__(1127);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);

function parseOptions(options) {
    const prettyErrors = options.prettyErrors !== false;
    const lineCounter$1 = options.lineCounter || (prettyErrors && new lineCounter.LineCounter()) || null;
    return { lineCounter: lineCounter$1, prettyErrors };
}
/**
 * Parse the input as a stream of YAML documents.
 *
 * Documents should be separated from each other by `...` or `---` marker lines.
 *
 * @returns If an empty `docs` array is returned, it will be of type
 *   EmptyStream and contain additional stream information. In
 *   TypeScript, you should use `'empty' in docs` as a type guard for it.
 */
function parseAllDocuments(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    const docs = Array.from(composer$1.compose(parser$1.parse(source)));
    if (prettyErrors && lineCounter)
        for (const doc of docs) {
            doc.errors.forEach(errors.prettifyError(source, lineCounter));
            doc.warnings.forEach(errors.prettifyError(source, lineCounter));
        }
    if (docs.length > 0)
        return docs;
    return Object.assign([], { empty: true }, composer$1.streamInfo());
}
/** Parse an input string into a single YAML.Document */
function parseDocument(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    // `doc` is always set by compose.end(true) at the very latest
    let doc = null;
    for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
            doc = _doc;
        else if (doc.options.logLevel !== 'silent') {
            doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
            break;
        }
    }
    if (prettyErrors && lineCounter) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter));
    }
    return doc;
}
function parse(src, reviver, options) {
    let _reviver = undefined;
    if (typeof reviver === 'function') {
        _reviver = reviver;
    }
    else if (options === undefined && reviver && typeof reviver === 'object') {
        options = reviver;
    }
    const doc = parseDocument(src, options);
    if (!doc)
        return null;
    doc.warnings.forEach(warning => log.warn(doc.options.logLevel, warning));
    if (doc.errors.length > 0) {
        if (doc.options.logLevel !== 'silent')
            throw doc.errors[0];
        else
            doc.errors = [];
    }
    return doc.toJS(Object.assign({ reviver: _reviver }, options));
}
function stringify(value, replacer, options) {
    let _replacer = null;
    if (typeof replacer === 'function' || Array.isArray(replacer)) {
        _replacer = replacer;
    }
    else if (options === undefined && replacer) {
        options = replacer;
    }
    if (typeof options === 'string')
        options = options.length;
    if (typeof options === 'number') {
        const indent = Math.round(options);
        options = indent < 1 ? undefined : indent > 8 ? { indent: 8 } : { indent };
    }
    if (value === undefined) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
            return undefined;
    }
    if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
    return new Document.Document(value, _replacer, options).toString(options);
}

exports.parse = parse;
exports.parseAllDocuments = parseAllDocuments;
exports.parseDocument = parseDocument;
exports.stringify = stringify;


/***/ }),

/***/ 5840:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var tags = __nccwpck_require__(18);

const sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
class Schema {
    constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat)
            ? tags.getTags(compat, 'compat')
            : compat
                ? tags.getTags(null, compat)
                : null;
        this.name = (typeof schema === 'string' && schema) || 'core';
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        // Used by createMap()
        this.sortMapEntries =
            typeof sortMapEntries === 'function'
                ? sortMapEntries
                : sortMapEntries === true
                    ? sortMapEntriesByKey
                    : null;
    }
    clone() {
        const copy = Object.create(Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
    }
}

exports.Schema = Schema;


/***/ }),

/***/ 7451:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLMap = __nccwpck_require__(4454);

const map = {
    collection: 'map',
    default: true,
    nodeClass: YAMLMap.YAMLMap,
    tag: 'tag:yaml.org,2002:map',
    resolve(map, onError) {
        if (!identity.isMap(map))
            onError('Expected a mapping for this tag');
        return map;
    },
    createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
};

exports.map = map;


/***/ }),

/***/ 3632:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const nullTag = {
    identify: value => value == null,
    createNode: () => new Scalar.Scalar(null),
    default: true,
    tag: 'tag:yaml.org,2002:null',
    test: /^(?:~|[Nn]ull|NULL)?$/,
    resolve: () => new Scalar.Scalar(null),
    stringify: ({ source }, ctx) => typeof source === 'string' && nullTag.test.test(source)
        ? source
        : ctx.options.nullStr
};

exports.nullTag = nullTag;


/***/ }),

/***/ 1706:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLSeq = __nccwpck_require__(2223);

const seq = {
    collection: 'seq',
    default: true,
    nodeClass: YAMLSeq.YAMLSeq,
    tag: 'tag:yaml.org,2002:seq',
    resolve(seq, onError) {
        if (!identity.isSeq(seq))
            onError('Expected a sequence for this tag');
        return seq;
    },
    createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
};

exports.seq = seq;


/***/ }),

/***/ 6464:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyString = __nccwpck_require__(3069);

const string = {
    identify: value => typeof value === 'string',
    default: true,
    tag: 'tag:yaml.org,2002:str',
    resolve: str => str,
    stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
    }
};

exports.string = string;


/***/ }),

/***/ 3959:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const boolTag = {
    identify: value => typeof value === 'boolean',
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
    resolve: str => new Scalar.Scalar(str[0] === 't' || str[0] === 'T'),
    stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
            const sv = source[0] === 't' || source[0] === 'T';
            if (value === sv)
                return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
};

exports.boolTag = boolTag;


/***/ }),

/***/ 8405:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: str => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
    resolve: str => parseFloat(str),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf('.');
        if (dot !== -1 && str[str.length - 1] === '0')
            node.minFractionDigits = str.length - dot - 1;
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 9874:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
const intResolve = (str, offset, radix, { intAsBigInt }) => (intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix));
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
    return stringifyNumber.stringifyNumber(node);
}
const intOct = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^0o[0-7]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
    stringify: node => intStringify(node, 8, '0o')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^0x[0-9a-fA-F]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 896:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.boolTag,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float
];

exports.schema = schema;


/***/ }),

/***/ 3559:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);

function intIdentify(value) {
    return typeof value === 'bigint' || Number.isInteger(value);
}
const stringifyJSON = ({ value }) => JSON.stringify(value);
const jsonScalars = [
    {
        identify: value => typeof value === 'string',
        default: true,
        tag: 'tag:yaml.org,2002:str',
        resolve: str => str,
        stringify: stringifyJSON
    },
    {
        identify: value => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: 'tag:yaml.org,2002:null',
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
    },
    {
        identify: value => typeof value === 'boolean',
        default: true,
        tag: 'tag:yaml.org,2002:bool',
        test: /^true$|^false$/,
        resolve: str => str === 'true',
        stringify: stringifyJSON
    },
    {
        identify: intIdentify,
        default: true,
        tag: 'tag:yaml.org,2002:int',
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
    },
    {
        identify: value => typeof value === 'number',
        default: true,
        tag: 'tag:yaml.org,2002:float',
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: str => parseFloat(str),
        stringify: stringifyJSON
    }
];
const jsonError = {
    default: true,
    tag: '',
    test: /^/,
    resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
    }
};
const schema = [map.map, seq.seq].concat(jsonScalars, jsonError);

exports.schema = schema;


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);
var schema = __nccwpck_require__(896);
var schema$1 = __nccwpck_require__(3559);
var binary = __nccwpck_require__(6083);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var schema$2 = __nccwpck_require__(5913);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schemas = new Map([
    ['core', schema.schema],
    ['failsafe', [map.map, seq.seq, string.string]],
    ['json', schema$1.schema],
    ['yaml11', schema$2.schema],
    ['yaml-1.1', schema$2.schema]
]);
const tagsByName = {
    binary: binary.binary,
    bool: bool.boolTag,
    float: float.float,
    floatExp: float.floatExp,
    floatNaN: float.floatNaN,
    floatTime: timestamp.floatTime,
    int: int.int,
    intHex: int.intHex,
    intOct: int.intOct,
    intTime: timestamp.intTime,
    map: map.map,
    merge: merge.merge,
    null: _null.nullTag,
    omap: omap.omap,
    pairs: pairs.pairs,
    seq: seq.seq,
    set: set.set,
    timestamp: timestamp.timestamp
};
const coreKnownTags = {
    'tag:yaml.org,2002:binary': binary.binary,
    'tag:yaml.org,2002:merge': merge.merge,
    'tag:yaml.org,2002:omap': omap.omap,
    'tag:yaml.org,2002:pairs': pairs.pairs,
    'tag:yaml.org,2002:set': set.set,
    'tag:yaml.org,2002:timestamp': timestamp.timestamp
};
function getTags(customTags, schemaName, addMergeTag) {
    const schemaTags = schemas.get(schemaName);
    if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge)
            ? schemaTags.concat(merge.merge)
            : schemaTags.slice();
    }
    let tags = schemaTags;
    if (!tags) {
        if (Array.isArray(customTags))
            tags = [];
        else {
            const keys = Array.from(schemas.keys())
                .filter(key => key !== 'yaml11')
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
    }
    if (Array.isArray(customTags)) {
        for (const tag of customTags)
            tags = tags.concat(tag);
    }
    else if (typeof customTags === 'function') {
        tags = customTags(tags.slice());
    }
    if (addMergeTag)
        tags = tags.concat(merge.merge);
    return tags.reduce((tags, tag) => {
        const tagObj = typeof tag === 'string' ? tagsByName[tag] : tag;
        if (!tagObj) {
            const tagName = JSON.stringify(tag);
            const keys = Object.keys(tagsByName)
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags.includes(tagObj))
            tags.push(tagObj);
        return tags;
    }, []);
}

exports.coreKnownTags = coreKnownTags;
exports.getTags = getTags;


/***/ }),

/***/ 6083:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_buffer = __nccwpck_require__(181);
var Scalar = __nccwpck_require__(3301);
var stringifyString = __nccwpck_require__(3069);

const binary = {
    identify: value => value instanceof Uint8Array, // Buffer inherits from Uint8Array
    default: false,
    tag: 'tag:yaml.org,2002:binary',
    /**
     * Returns a Buffer in node and an Uint8Array in browsers
     *
     * To use the resulting buffer as an image, you'll want to do something like:
     *
     *   const blob = new Blob([buffer], { type: 'image/jpeg' })
     *   document.querySelector('#photo').src = URL.createObjectURL(blob)
     */
    resolve(src, onError) {
        if (typeof node_buffer.Buffer === 'function') {
            return node_buffer.Buffer.from(src, 'base64');
        }
        else if (typeof atob === 'function') {
            // On IE 11, atob() can't handle newlines
            const str = atob(src.replace(/[\n\r]/g, ''));
            const buffer = new Uint8Array(str.length);
            for (let i = 0; i < str.length; ++i)
                buffer[i] = str.charCodeAt(i);
            return buffer;
        }
        else {
            onError('This environment does not support reading binary tags; either Buffer or atob is required');
            return src;
        }
    },
    stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
            return '';
        const buf = value; // checked earlier by binary.identify()
        let str;
        if (typeof node_buffer.Buffer === 'function') {
            str =
                buf instanceof node_buffer.Buffer
                    ? buf.toString('base64')
                    : node_buffer.Buffer.from(buf.buffer).toString('base64');
        }
        else if (typeof btoa === 'function') {
            let s = '';
            for (let i = 0; i < buf.length; ++i)
                s += String.fromCharCode(buf[i]);
            str = btoa(s);
        }
        else {
            throw new Error('This environment does not support writing binary tags; either Buffer or btoa is required');
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
            const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
            const n = Math.ceil(str.length / lineWidth);
            const lines = new Array(n);
            for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
                lines[i] = str.substr(o, lineWidth);
            }
            str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? '\n' : ' ');
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
    }
};

exports.binary = binary;


/***/ }),

/***/ 8398:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function boolStringify({ value, source }, ctx) {
    const boolObj = value ? trueTag : falseTag;
    if (source && boolObj.test.test(source))
        return source;
    return value ? ctx.options.trueStr : ctx.options.falseStr;
}
const trueTag = {
    identify: value => value === true,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
    resolve: () => new Scalar.Scalar(true),
    stringify: boolStringify
};
const falseTag = {
    identify: value => value === false,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
    resolve: () => new Scalar.Scalar(false),
    stringify: boolStringify
};

exports.falseTag = falseTag;
exports.trueTag = trueTag;


/***/ }),

/***/ 5782:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (str) => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
    resolve: (str) => parseFloat(str.replace(/_/g, '')),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, '')));
        const dot = str.indexOf('.');
        if (dot !== -1) {
            const f = str.substring(dot + 1).replace(/_/g, '');
            if (f[f.length - 1] === '0')
                node.minFractionDigits = f.length;
        }
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 873:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
function intResolve(str, offset, radix, { intAsBigInt }) {
    const sign = str[0];
    if (sign === '-' || sign === '+')
        offset += 1;
    str = str.substring(offset).replace(/_/g, '');
    if (intAsBigInt) {
        switch (radix) {
            case 2:
                str = `0b${str}`;
                break;
            case 8:
                str = `0o${str}`;
                break;
            case 16:
                str = `0x${str}`;
                break;
        }
        const n = BigInt(str);
        return sign === '-' ? BigInt(-1) * n : n;
    }
    const n = parseInt(str, radix);
    return sign === '-' ? -1 * n : n;
}
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? '-' + prefix + str.substr(1) : prefix + str;
    }
    return stringifyNumber.stringifyNumber(node);
}
const intBin = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'BIN',
    test: /^[-+]?0b[0-1_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
    stringify: node => intStringify(node, 2, '0b')
};
const intOct = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^[-+]?0[0-7_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
    stringify: node => intStringify(node, 8, '0')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9][0-9_]*$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^[-+]?0x[0-9a-fA-F_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intBin = intBin;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 452:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

// If the value associated with a merge key is a single mapping node, each of
// its key/value pairs is inserted into the current mapping, unless the key
// already exists in it. If the value associated with the merge key is a
// sequence, then this sequence is expected to contain mapping nodes and each
// of these nodes is merged in turn according to its order in the sequence.
// Keys in mapping nodes earlier in the sequence override keys specified in
// later mapping nodes. -- http://yaml.org/type/merge.html
const MERGE_KEY = '<<';
const merge = {
    identify: value => value === MERGE_KEY ||
        (typeof value === 'symbol' && value.description === MERGE_KEY),
    default: 'key',
    tag: 'tag:yaml.org,2002:merge',
    test: /^<<$/,
    resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
    }),
    stringify: () => MERGE_KEY
};
const isMergeKey = (ctx, key) => (merge.identify(key) ||
    (identity.isScalar(key) &&
        (!key.type || key.type === Scalar.Scalar.PLAIN) &&
        merge.identify(key.value))) &&
    ctx?.doc.schema.tags.some(tag => tag.tag === merge.tag && tag.default);
function addMergeToJSMap(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (identity.isSeq(source))
        for (const it of source.items)
            mergeValue(ctx, map, it);
    else if (Array.isArray(source))
        for (const it of source)
            mergeValue(ctx, map, it);
    else
        mergeValue(ctx, map, source);
}
function mergeValue(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (!identity.isMap(source))
        throw new Error('Merge sources must be maps or map aliases');
    const srcMap = source.toJSON(null, ctx, Map);
    for (const [key, value] of srcMap) {
        if (map instanceof Map) {
            if (!map.has(key))
                map.set(key, value);
        }
        else if (map instanceof Set) {
            map.add(key);
        }
        else if (!Object.prototype.hasOwnProperty.call(map, key)) {
            Object.defineProperty(map, key, {
                value,
                writable: true,
                enumerable: true,
                configurable: true
            });
        }
    }
    return map;
}
function resolveAliasValue(ctx, value) {
    return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
}

exports.addMergeToJSMap = addMergeToJSMap;
exports.isMergeKey = isMergeKey;
exports.merge = merge;


/***/ }),

/***/ 303:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var pairs = __nccwpck_require__(8385);

class YAMLOMap extends YAMLSeq.YAMLSeq {
    constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = YAMLOMap.tag;
    }
    /**
     * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
     * but TypeScript won't allow widening the signature of a child method.
     */
    toJSON(_, ctx) {
        if (!ctx)
            return super.toJSON(_);
        const map = new Map();
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const pair of this.items) {
            let key, value;
            if (identity.isPair(pair)) {
                key = toJS.toJS(pair.key, '', ctx);
                value = toJS.toJS(pair.value, key, ctx);
            }
            else {
                key = toJS.toJS(pair, '', ctx);
            }
            if (map.has(key))
                throw new Error('Ordered maps must not include duplicate keys');
            map.set(key, value);
        }
        return map;
    }
    static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap = new this();
        omap.items = pairs$1.items;
        return omap;
    }
}
YAMLOMap.tag = 'tag:yaml.org,2002:omap';
const omap = {
    collection: 'seq',
    identify: value => value instanceof Map,
    nodeClass: YAMLOMap,
    default: false,
    tag: 'tag:yaml.org,2002:omap',
    resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
            if (identity.isScalar(key)) {
                if (seenKeys.includes(key.value)) {
                    onError(`Ordered maps must not include duplicate keys: ${key.value}`);
                }
                else {
                    seenKeys.push(key.value);
                }
            }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
    },
    createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
};

exports.YAMLOMap = YAMLOMap;
exports.omap = omap;


/***/ }),

/***/ 8385:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLSeq = __nccwpck_require__(2223);

function resolvePairs(seq, onError) {
    if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
            let item = seq.items[i];
            if (identity.isPair(item))
                continue;
            else if (identity.isMap(item)) {
                if (item.items.length > 1)
                    onError('Each pair must have its own sequence indicator');
                const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
                if (item.commentBefore)
                    pair.key.commentBefore = pair.key.commentBefore
                        ? `${item.commentBefore}\n${pair.key.commentBefore}`
                        : item.commentBefore;
                if (item.comment) {
                    const cn = pair.value ?? pair.key;
                    cn.comment = cn.comment
                        ? `${item.comment}\n${cn.comment}`
                        : item.comment;
                }
                item = pair;
            }
            seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
    }
    else
        onError('Expected a sequence for this tag');
    return seq;
}
function createPairs(schema, iterable, ctx) {
    const { replacer } = ctx;
    const pairs = new YAMLSeq.YAMLSeq(schema);
    pairs.tag = 'tag:yaml.org,2002:pairs';
    let i = 0;
    if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
            if (typeof replacer === 'function')
                it = replacer.call(iterable, String(i++), it);
            let key, value;
            if (Array.isArray(it)) {
                if (it.length === 2) {
                    key = it[0];
                    value = it[1];
                }
                else
                    throw new TypeError(`Expected [key, value] tuple: ${it}`);
            }
            else if (it && it instanceof Object) {
                const keys = Object.keys(it);
                if (keys.length === 1) {
                    key = keys[0];
                    value = it[key];
                }
                else {
                    throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
                }
            }
            else {
                key = it;
            }
            pairs.items.push(Pair.createPair(key, value, ctx));
        }
    return pairs;
}
const pairs = {
    collection: 'seq',
    default: false,
    tag: 'tag:yaml.org,2002:pairs',
    resolve: resolvePairs,
    createNode: createPairs
};

exports.createPairs = createPairs;
exports.pairs = pairs;
exports.resolvePairs = resolvePairs;


/***/ }),

/***/ 5913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var binary = __nccwpck_require__(6083);
var bool = __nccwpck_require__(8398);
var float = __nccwpck_require__(5782);
var int = __nccwpck_require__(873);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.trueTag,
    bool.falseTag,
    int.intBin,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float,
    binary.binary,
    merge.merge,
    omap.omap,
    pairs.pairs,
    set.set,
    timestamp.intTime,
    timestamp.floatTime,
    timestamp.timestamp
];

exports.schema = schema;


/***/ }),

/***/ 1528:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);

class YAMLSet extends YAMLMap.YAMLMap {
    constructor(schema) {
        super(schema);
        this.tag = YAMLSet.tag;
    }
    add(key) {
        let pair;
        if (identity.isPair(key))
            pair = key;
        else if (key &&
            typeof key === 'object' &&
            'key' in key &&
            'value' in key &&
            key.value === null)
            pair = new Pair.Pair(key.key, null);
        else
            pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
            this.items.push(pair);
    }
    /**
     * If `keepPair` is `true`, returns the Pair matching `key`.
     * Otherwise, returns the value of that Pair's key.
     */
    get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair)
            ? identity.isScalar(pair.key)
                ? pair.key.value
                : pair.key
            : pair;
    }
    set(key, value) {
        if (typeof value !== 'boolean')
            throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
            this.items.splice(this.items.indexOf(prev), 1);
        }
        else if (!prev && value) {
            this.items.push(new Pair.Pair(key));
        }
    }
    toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        if (this.hasAllNullValues(true))
            return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
            throw new Error('Set items must all have null values');
    }
    static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
            for (let value of iterable) {
                if (typeof replacer === 'function')
                    value = replacer.call(iterable, value, value);
                set.items.push(Pair.createPair(value, null, ctx));
            }
        return set;
    }
}
YAMLSet.tag = 'tag:yaml.org,2002:set';
const set = {
    collection: 'map',
    identify: value => value instanceof Set,
    nodeClass: YAMLSet,
    default: false,
    tag: 'tag:yaml.org,2002:set',
    createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
    resolve(map, onError) {
        if (identity.isMap(map)) {
            if (map.hasAllNullValues(true))
                return Object.assign(new YAMLSet(), map);
            else
                onError('Set items must all have null values');
        }
        else
            onError('Expected a mapping for this tag');
        return map;
    }
};

exports.YAMLSet = YAMLSet;
exports.set = set;


/***/ }),

/***/ 6752:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

/** Internal types handle bigint as number, because TS can't figure it out. */
function parseSexagesimal(str, asBigInt) {
    const sign = str[0];
    const parts = sign === '-' || sign === '+' ? str.substring(1) : str;
    const num = (n) => asBigInt ? BigInt(n) : Number(n);
    const res = parts
        .replace(/_/g, '')
        .split(':')
        .reduce((res, p) => res * num(60) + num(p), num(0));
    return (sign === '-' ? num(-1) * res : res);
}
/**
 * hhhh:mm:ss.sss
 *
 * Internal types handle bigint as number, because TS can't figure it out.
 */
function stringifySexagesimal(node) {
    let { value } = node;
    let num = (n) => n;
    if (typeof value === 'bigint')
        num = n => BigInt(n);
    else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
    let sign = '';
    if (value < 0) {
        sign = '-';
        value *= num(-1);
    }
    const _60 = num(60);
    const parts = [value % _60]; // seconds, including ms
    if (value < 60) {
        parts.unshift(0); // at least one : is required
    }
    else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60); // minutes
        if (value >= 60) {
            value = (value - parts[0]) / _60;
            parts.unshift(value); // hours
        }
    }
    return (sign +
        parts
            .map(n => String(n).padStart(2, '0'))
            .join(':')
            .replace(/000000\d*$/, '') // % 60 may introduce error
    );
}
const intTime = {
    identify: value => typeof value === 'bigint' || Number.isInteger(value),
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
    resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
    stringify: stringifySexagesimal
};
const floatTime = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
    resolve: str => parseSexagesimal(str, false),
    stringify: stringifySexagesimal
};
const timestamp = {
    identify: value => value instanceof Date,
    default: true,
    tag: 'tag:yaml.org,2002:timestamp',
    // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
    // may be omitted altogether, resulting in a date format. In such a case, the time part is
    // assumed to be 00:00:00Z (start of day, UTC).
    test: RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' + // YYYY-Mm-Dd
        '(?:' + // time is optional
        '(?:t|T|[ \\t]+)' + // t | T | whitespace
        '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' + // Hh:Mm:Ss(.ss)?
        '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' + // Z | +5 | -03:30
        ')?$'),
    resolve(str) {
        const match = str.match(timestamp.test);
        if (!match)
            throw new Error('!!timestamp expects a date, starting with yyyy-mm-dd');
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + '00').substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== 'Z') {
            let d = parseSexagesimal(tz, false);
            if (Math.abs(d) < 30)
                d *= 60;
            date -= 60000 * d;
        }
        return new Date(date);
    },
    stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, '') ?? ''
};

exports.floatTime = floatTime;
exports.intTime = intTime;
exports.timestamp = timestamp;


/***/ }),

/***/ 4475:
/***/ ((__unused_webpack_module, exports) => {



const FOLD_FLOW = 'flow';
const FOLD_BLOCK = 'block';
const FOLD_QUOTED = 'quoted';
/**
 * Tries to keep input at up to `lineWidth` characters, splitting only on spaces
 * not followed by newlines or spaces unless `mode` is `'quoted'`. Lines are
 * terminated with `\n` and started with `indent`.
 */
function foldFlowLines(text, indent, mode = 'flow', { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
    if (!lineWidth || lineWidth < 0)
        return text;
    if (lineWidth < minContentWidth)
        minContentWidth = 0;
    const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
    if (text.length <= endStep)
        return text;
    const folds = [];
    const escapedFolds = {};
    let end = lineWidth - indent.length;
    if (typeof indentAtStart === 'number') {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
            folds.push(0);
        else
            end = lineWidth - indentAtStart;
    }
    let split = undefined;
    let prev = undefined;
    let overflow = false;
    let i = -1;
    let escStart = -1;
    let escEnd = -1;
    if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
            end = i + endStep;
    }
    for (let ch; (ch = text[(i += 1)]);) {
        if (mode === FOLD_QUOTED && ch === '\\') {
            escStart = i;
            switch (text[i + 1]) {
                case 'x':
                    i += 3;
                    break;
                case 'u':
                    i += 5;
                    break;
                case 'U':
                    i += 9;
                    break;
                default:
                    i += 1;
            }
            escEnd = i;
        }
        if (ch === '\n') {
            if (mode === FOLD_BLOCK)
                i = consumeMoreIndentedLines(text, i, indent.length);
            end = i + indent.length + endStep;
            split = undefined;
        }
        else {
            if (ch === ' ' &&
                prev &&
                prev !== ' ' &&
                prev !== '\n' &&
                prev !== '\t') {
                // space surrounded by non-space can be replaced with newline + indent
                const next = text[i + 1];
                if (next && next !== ' ' && next !== '\n' && next !== '\t')
                    split = i;
            }
            if (i >= end) {
                if (split) {
                    folds.push(split);
                    end = split + endStep;
                    split = undefined;
                }
                else if (mode === FOLD_QUOTED) {
                    // white-space collected at end may stretch past lineWidth
                    while (prev === ' ' || prev === '\t') {
                        prev = ch;
                        ch = text[(i += 1)];
                        overflow = true;
                    }
                    // Account for newline escape, but don't break preceding escape
                    const j = i > escEnd + 1 ? i - 2 : escStart - 1;
                    // Bail out if lineWidth & minContentWidth are shorter than an escape string
                    if (escapedFolds[j])
                        return text;
                    folds.push(j);
                    escapedFolds[j] = true;
                    end = j + endStep;
                    split = undefined;
                }
                else {
                    overflow = true;
                }
            }
        }
        prev = ch;
    }
    if (overflow && onOverflow)
        onOverflow();
    if (folds.length === 0)
        return text;
    if (onFold)
        onFold();
    let res = text.slice(0, folds[0]);
    for (let i = 0; i < folds.length; ++i) {
        const fold = folds[i];
        const end = folds[i + 1] || text.length;
        if (fold === 0)
            res = `\n${indent}${text.slice(0, end)}`;
        else {
            if (mode === FOLD_QUOTED && escapedFolds[fold])
                res += `${text[fold]}\\`;
            res += `\n${indent}${text.slice(fold + 1, end)}`;
        }
    }
    return res;
}
/**
 * Presumes `i + 1` is at the start of a line
 * @returns index of last newline in more-indented block
 */
function consumeMoreIndentedLines(text, i, indent) {
    let end = i;
    let start = i + 1;
    let ch = text[start];
    while (ch === ' ' || ch === '\t') {
        if (i < start + indent) {
            ch = text[++i];
        }
        else {
            do {
                ch = text[++i];
            } while (ch && ch !== '\n');
            end = i;
            start = i + 1;
            ch = text[start];
        }
    }
    return end;
}

exports.FOLD_BLOCK = FOLD_BLOCK;
exports.FOLD_FLOW = FOLD_FLOW;
exports.FOLD_QUOTED = FOLD_QUOTED;
exports.foldFlowLines = foldFlowLines;


/***/ }),

/***/ 2148:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var identity = __nccwpck_require__(1127);
var stringifyComment = __nccwpck_require__(9799);
var stringifyString = __nccwpck_require__(3069);

function createStringifyContext(doc, options) {
    const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: 'PLAIN',
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: 'false',
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: 'null',
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: 'true',
        verifyAliasOrder: true
    }, doc.schema.toStringOptions, options);
    let inFlow;
    switch (opt.collectionStyle) {
        case 'block':
            inFlow = false;
            break;
        case 'flow':
            inFlow = true;
            break;
        default:
            inFlow = null;
    }
    return {
        anchors: new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? ' ' : '',
        indent: '',
        indentStep: typeof opt.indent === 'number' ? ' '.repeat(opt.indent) : '  ',
        inFlow,
        options: opt
    };
}
function getTagObject(tags, item) {
    if (item.tag) {
        const match = tags.filter(t => t.tag === item.tag);
        if (match.length > 0)
            return match.find(t => t.format === item.format) ?? match[0];
    }
    let tagObj = undefined;
    let obj;
    if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter(t => t.identify?.(obj));
        if (match.length > 1) {
            const testMatch = match.filter(t => t.test);
            if (testMatch.length > 0)
                match = testMatch;
        }
        tagObj =
            match.find(t => t.format === item.format) ?? match.find(t => !t.format);
    }
    else {
        obj = item;
        tagObj = tags.find(t => t.nodeClass && obj instanceof t.nodeClass);
    }
    if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? 'null' : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
    }
    return tagObj;
}
// needs to be called before value stringifier to allow for circular anchor refs
function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
    if (!doc.directives)
        return '';
    const props = [];
    const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
    if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
    }
    const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
    if (tag)
        props.push(doc.directives.tagString(tag));
    return props.join(' ');
}
function stringify(item, ctx, onComment, onChompKeep) {
    if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
    if (identity.isAlias(item)) {
        if (ctx.doc.directives)
            return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
            throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        }
        else {
            if (ctx.resolvedAliases)
                ctx.resolvedAliases.add(item);
            else
                ctx.resolvedAliases = new Set([item]);
            item = item.resolve(ctx.doc);
        }
    }
    let tagObj = undefined;
    const node = identity.isNode(item)
        ? item
        : ctx.doc.createNode(item, { onTagObj: o => (tagObj = o) });
    tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
    const props = stringifyProps(node, tagObj, ctx);
    if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
    const str = typeof tagObj.stringify === 'function'
        ? tagObj.stringify(node, ctx, onComment, onChompKeep)
        : identity.isScalar(node)
            ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep)
            : node.toString(ctx, onComment, onChompKeep);
    if (!props)
        return str;
    return identity.isScalar(node) || str[0] === '{' || str[0] === '['
        ? `${props} ${str}`
        : `${props}\n${ctx.indent}${str}`;
}

exports.createStringifyContext = createStringifyContext;
exports.stringify = stringify;


/***/ }),

/***/ 1212:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyCollection(collection, ctx, options) {
    const flow = ctx.inFlow ?? collection.flow;
    const stringify = flow ? stringifyFlowCollection : stringifyBlockCollection;
    return stringify(collection, ctx, options);
}
function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
    const { indent, options: { commentString } } = ctx;
    const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
    let chompKeep = false; // flag for the preceding node's status
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (!chompKeep && item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (!chompKeep && ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
            }
        }
        chompKeep = false;
        let str = stringify.stringify(item, itemCtx, () => (comment = null), () => (chompKeep = true));
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        if (chompKeep && comment)
            chompKeep = false;
        lines.push(blockItemPrefix + str);
    }
    let str;
    if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
    }
    else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
            const line = lines[i];
            str += line ? `\n${indent}${line}` : '\n';
        }
    }
    if (comment) {
        str += '\n' + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
            onComment();
    }
    else if (chompKeep && onChompKeep)
        onChompKeep();
    return str;
}
function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
    const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
    itemIndent += indentStep;
    const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
    });
    let reqNewline = false;
    let linesAtValue = 0;
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, false);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, false);
                if (ik.comment)
                    reqNewline = true;
            }
            const iv = identity.isNode(item.value) ? item.value : null;
            if (iv) {
                if (iv.comment)
                    comment = iv.comment;
                if (iv.commentBefore)
                    reqNewline = true;
            }
            else if (item.value == null && ik?.comment) {
                comment = ik.comment;
            }
        }
        if (comment)
            reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => (comment = null));
        reqNewline || (reqNewline = lines.length > linesAtValue || str.includes('\n'));
        if (i < items.length - 1) {
            str += ',';
        }
        else if (ctx.options.trailingComma) {
            if (ctx.options.lineWidth > 0) {
                reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) +
                    (str.length + 2) >
                    ctx.options.lineWidth);
            }
            if (reqNewline) {
                str += ',';
            }
        }
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        lines.push(str);
        linesAtValue = lines.length;
    }
    const { start, end } = flowChars;
    if (lines.length === 0) {
        return start + end;
    }
    else {
        if (!reqNewline) {
            const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
            reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
            let str = start;
            for (const line of lines)
                str += line ? `\n${indentStep}${indent}${line}` : '\n';
            return `${str}\n${indent}${end}`;
        }
        else {
            return `${start}${fcPadding}${lines.join(' ')}${fcPadding}${end}`;
        }
    }
}
function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
    if (comment && chompKeep)
        comment = comment.replace(/^\n+/, '');
    if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart()); // Avoid double indent on first line
    }
}

exports.stringifyCollection = stringifyCollection;


/***/ }),

/***/ 9799:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringifies a comment.
 *
 * Empty comment lines are left empty,
 * lines consisting of a single space are replaced by `#`,
 * and all other lines are prefixed with a `#`.
 */
const stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, '#');
function indentComment(comment, indent) {
    if (/^\n+$/.test(comment))
        return comment.substring(1);
    return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
}
const lineComment = (str, indent, comment) => str.endsWith('\n')
    ? indentComment(comment, indent)
    : comment.includes('\n')
        ? '\n' + indentComment(comment, indent)
        : (str.endsWith(' ') ? '' : ' ') + comment;

exports.indentComment = indentComment;
exports.lineComment = lineComment;
exports.stringifyComment = stringifyComment;


/***/ }),

/***/ 6829:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyDocument(doc, options) {
    const lines = [];
    let hasDirectives = options.directives === true;
    if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
            lines.push(dir);
            hasDirectives = true;
        }
        else if (doc.directives.docStart)
            hasDirectives = true;
    }
    if (hasDirectives)
        lines.push('---');
    const ctx = stringify.createStringifyContext(doc, options);
    const { commentString } = ctx.options;
    if (doc.commentBefore) {
        if (lines.length !== 1)
            lines.unshift('');
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ''));
    }
    let chompKeep = false;
    let contentComment = null;
    if (doc.contents) {
        if (identity.isNode(doc.contents)) {
            if (doc.contents.spaceBefore && hasDirectives)
                lines.push('');
            if (doc.contents.commentBefore) {
                const cs = commentString(doc.contents.commentBefore);
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            // top-level block scalars need to be indented if followed by a comment
            ctx.forceBlockIndent = !!doc.comment;
            contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? undefined : () => (chompKeep = true);
        let body = stringify.stringify(doc.contents, ctx, () => (contentComment = null), onChompKeep);
        if (contentComment)
            body += stringifyComment.lineComment(body, '', commentString(contentComment));
        if ((body[0] === '|' || body[0] === '>') &&
            lines[lines.length - 1] === '---') {
            // Top-level block scalars with a preceding doc marker ought to use the
            // same line for their header.
            lines[lines.length - 1] = `--- ${body}`;
        }
        else
            lines.push(body);
    }
    else {
        lines.push(stringify.stringify(doc.contents, ctx));
    }
    if (doc.directives?.docEnd) {
        if (doc.comment) {
            const cs = commentString(doc.comment);
            if (cs.includes('\n')) {
                lines.push('...');
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            else {
                lines.push(`... ${cs}`);
            }
        }
        else {
            lines.push('...');
        }
    }
    else {
        let dc = doc.comment;
        if (dc && chompKeep)
            dc = dc.replace(/^\n+/, '');
        if (dc) {
            if ((!chompKeep || contentComment) && lines[lines.length - 1] !== '')
                lines.push('');
            lines.push(stringifyComment.indentComment(commentString(dc), ''));
        }
    }
    return lines.join('\n') + '\n';
}

exports.stringifyDocument = stringifyDocument;


/***/ }),

/***/ 8689:
/***/ ((__unused_webpack_module, exports) => {



function stringifyNumber({ format, minFractionDigits, tag, value }) {
    if (typeof value === 'bigint')
        return String(value);
    const num = typeof value === 'number' ? value : Number(value);
    if (!isFinite(num))
        return isNaN(num) ? '.nan' : num < 0 ? '-.inf' : '.inf';
    let n = Object.is(value, -0) ? '-0' : JSON.stringify(value);
    if (!format &&
        minFractionDigits &&
        (!tag || tag === 'tag:yaml.org,2002:float') &&
        /^-?\d/.test(n) &&
        !n.includes('e')) {
        let i = n.indexOf('.');
        if (i < 0) {
            i = n.length;
            n += '.';
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
            n += '0';
    }
    return n;
}

exports.stringifyNumber = stringifyNumber;


/***/ }),

/***/ 9748:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
    const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
    let keyComment = (identity.isNode(key) && key.comment) || null;
    if (simpleKeys) {
        if (keyComment) {
            throw new Error('With simple keys, key nodes cannot have comments');
        }
        if (identity.isCollection(key) || (!identity.isNode(key) && typeof key === 'object')) {
            const msg = 'With simple keys, collection cannot be used as a key value';
            throw new Error(msg);
        }
    }
    let explicitKey = !simpleKeys &&
        (!key ||
            (keyComment && value == null && !ctx.inFlow) ||
            identity.isCollection(key) ||
            (identity.isScalar(key)
                ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL
                : typeof key === 'object'));
    ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
    });
    let keyCommentDone = false;
    let chompKeep = false;
    let str = stringify.stringify(key, ctx, () => (keyCommentDone = true), () => (chompKeep = true));
    if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
            throw new Error('With simple keys, single line scalar must not span more than 1024 characters');
        explicitKey = true;
    }
    if (ctx.inFlow) {
        if (allNullValues || value == null) {
            if (keyCommentDone && onComment)
                onComment();
            return str === '' ? '?' : explicitKey ? `? ${str}` : str;
        }
    }
    else if ((allNullValues && !simpleKeys) || (value == null && explicitKey)) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        }
        else if (chompKeep && onChompKeep)
            onChompKeep();
        return str;
    }
    if (keyCommentDone)
        keyComment = null;
    if (explicitKey) {
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}\n${indent}:`;
    }
    else {
        str = `${str}:`;
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
    }
    let vsb, vcb, valueComment;
    if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
    }
    else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === 'object')
            value = doc.createNode(value);
    }
    ctx.implicitKey = false;
    if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str.length + 1;
    chompKeep = false;
    if (!indentSeq &&
        indentStep.length >= 2 &&
        !ctx.inFlow &&
        !explicitKey &&
        identity.isSeq(value) &&
        !value.flow &&
        !value.tag &&
        !value.anchor) {
        // If indentSeq === false, consider '- ' as part of indentation where possible
        ctx.indent = ctx.indent.substring(2);
    }
    let valueCommentDone = false;
    const valueStr = stringify.stringify(value, ctx, () => (valueCommentDone = true), () => (chompKeep = true));
    let ws = ' ';
    if (keyComment || vsb || vcb) {
        ws = vsb ? '\n' : '';
        if (vcb) {
            const cs = commentString(vcb);
            ws += `\n${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === '' && !ctx.inFlow) {
            if (ws === '\n' && valueComment)
                ws = '\n\n';
        }
        else {
            ws += `\n${ctx.indent}`;
        }
    }
    else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf('\n');
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
            let hasPropsLine = false;
            if (hasNewline && (vs0 === '&' || vs0 === '!')) {
                let sp0 = valueStr.indexOf(' ');
                if (vs0 === '&' &&
                    sp0 !== -1 &&
                    sp0 < nl0 &&
                    valueStr[sp0 + 1] === '!') {
                    sp0 = valueStr.indexOf(' ', sp0 + 1);
                }
                if (sp0 === -1 || nl0 < sp0)
                    hasPropsLine = true;
            }
            if (!hasPropsLine)
                ws = `\n${ctx.indent}`;
        }
    }
    else if (valueStr === '' || valueStr[0] === '\n') {
        ws = '';
    }
    str += ws + valueStr;
    if (ctx.inFlow) {
        if (valueCommentDone && onComment)
            onComment();
    }
    else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
    }
    else if (chompKeep && onChompKeep) {
        onChompKeep();
    }
    return str;
}

exports.stringifyPair = stringifyPair;


/***/ }),

/***/ 3069:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var foldFlowLines = __nccwpck_require__(4475);

const getFoldOptions = (ctx, isBlock) => ({
    indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
    lineWidth: ctx.options.lineWidth,
    minContentWidth: ctx.options.minContentWidth
});
// Also checks for lines starting with %, as parsing the output as YAML 1.1 will
// presume that's starting a new document.
const containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
function lineLengthOverLimit(str, lineWidth, indentLength) {
    if (!lineWidth || lineWidth < 0)
        return false;
    const limit = lineWidth - indentLength;
    const strLen = str.length;
    if (strLen <= limit)
        return false;
    for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === '\n') {
            if (i - start > limit)
                return true;
            start = i + 1;
            if (strLen - start <= limit)
                return false;
        }
    }
    return true;
}
function doubleQuotedString(value, ctx) {
    const json = JSON.stringify(value);
    if (ctx.options.doubleQuotedAsJSON)
        return json;
    const { implicitKey } = ctx;
    const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    let str = '';
    let start = 0;
    for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
            // space before newline needs to be escaped to not be folded
            str += json.slice(start, i) + '\\ ';
            i += 1;
            start = i;
            ch = '\\';
        }
        if (ch === '\\')
            switch (json[i + 1]) {
                case 'u':
                    {
                        str += json.slice(start, i);
                        const code = json.substr(i + 2, 4);
                        switch (code) {
                            case '0000':
                                str += '\\0';
                                break;
                            case '0007':
                                str += '\\a';
                                break;
                            case '000b':
                                str += '\\v';
                                break;
                            case '001b':
                                str += '\\e';
                                break;
                            case '0085':
                                str += '\\N';
                                break;
                            case '00a0':
                                str += '\\_';
                                break;
                            case '2028':
                                str += '\\L';
                                break;
                            case '2029':
                                str += '\\P';
                                break;
                            default:
                                if (code.substr(0, 2) === '00')
                                    str += '\\x' + code.substr(2);
                                else
                                    str += json.substr(i, 6);
                        }
                        i += 5;
                        start = i + 1;
                    }
                    break;
                case 'n':
                    if (implicitKey ||
                        json[i + 2] === '"' ||
                        json.length < minMultiLineLength) {
                        i += 1;
                    }
                    else {
                        // folding will eat first newline
                        str += json.slice(start, i) + '\n\n';
                        while (json[i + 2] === '\\' &&
                            json[i + 3] === 'n' &&
                            json[i + 4] !== '"') {
                            str += '\n';
                            i += 2;
                        }
                        str += indent;
                        // space after newline needs to be escaped to not be folded
                        if (json[i + 2] === ' ')
                            str += '\\';
                        i += 1;
                        start = i + 1;
                    }
                    break;
                default:
                    i += 1;
            }
    }
    str = start ? str + json.slice(start) : json;
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
}
function singleQuotedString(value, ctx) {
    if (ctx.options.singleQuote === false ||
        (ctx.implicitKey && value.includes('\n')) ||
        /[ \t]\n|\n[ \t]/.test(value) // single quoted string can't have leading or trailing whitespace around newline
    )
        return doubleQuotedString(value, ctx);
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
    return ctx.implicitKey
        ? res
        : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function quotedString(value, ctx) {
    const { singleQuote } = ctx.options;
    let qs;
    if (singleQuote === false)
        qs = doubleQuotedString;
    else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
            qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
            qs = doubleQuotedString;
        else
            qs = singleQuote ? singleQuotedString : doubleQuotedString;
    }
    return qs(value, ctx);
}
// The negative lookbehind avoids a polynomial search,
// but isn't supported yet on Safari: https://caniuse.com/js-regexp-lookbehind
let blockEndNewlines;
try {
    blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
}
catch {
    blockEndNewlines = /\n+(?!\n|$)/g;
}
function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
    const { blockQuote, commentString, lineWidth } = ctx.options;
    // 1. Block can't end in whitespace unless the last line is non-empty.
    // 2. Strings consisting of only whitespace are best rendered explicitly.
    if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
    }
    const indent = ctx.indent ||
        (ctx.forceBlockIndent || containsDocumentMarker(value) ? '  ' : '');
    const literal = blockQuote === 'literal'
        ? true
        : blockQuote === 'folded' || type === Scalar.Scalar.BLOCK_FOLDED
            ? false
            : type === Scalar.Scalar.BLOCK_LITERAL
                ? true
                : !lineLengthOverLimit(value, lineWidth, indent.length);
    if (!value)
        return literal ? '|\n' : '>\n';
    // determine chomping from whitespace at value end
    let chomp;
    let endStart;
    for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== '\n' && ch !== '\t' && ch !== ' ')
            break;
    }
    let end = value.substring(endStart);
    const endNlPos = end.indexOf('\n');
    if (endNlPos === -1) {
        chomp = '-'; // strip
    }
    else if (value === end || endNlPos !== end.length - 1) {
        chomp = '+'; // keep
        if (onChompKeep)
            onChompKeep();
    }
    else {
        chomp = ''; // clip
    }
    if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === '\n')
            end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
    }
    // determine indent indicator from whitespace at value start
    let startWithSpace = false;
    let startEnd;
    let startNlPos = -1;
    for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === ' ')
            startWithSpace = true;
        else if (ch === '\n')
            startNlPos = startEnd;
        else
            break;
    }
    let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
    if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
    }
    const indentSize = indent ? '2' : '1'; // root is at -1
    // Leading | or > is added later
    let header = (startWithSpace ? indentSize : '') + chomp;
    if (comment) {
        header += ' ' + commentString(comment.replace(/ ?[\r\n]+/g, ' '));
        if (onComment)
            onComment();
    }
    if (!literal) {
        const foldedValue = value
            .replace(/\n+/g, '\n$&')
            .replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, '$1$2') // more-indented lines aren't folded
            //                ^ more-ind. ^ empty     ^ capture next empty lines only at end of indent
            .replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== 'folded' && type !== Scalar.Scalar.BLOCK_FOLDED) {
            foldOptions.onOverflow = () => {
                literalFallback = true;
            };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
            return `>${header}\n${indent}${body}`;
    }
    value = value.replace(/\n+/g, `$&${indent}`);
    return `|${header}\n${indent}${start}${value}${end}`;
}
function plainString(item, ctx, onComment, onChompKeep) {
    const { type, value } = item;
    const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
    if ((implicitKey && value.includes('\n')) ||
        (inFlow && /[[\]{},]/.test(value))) {
        return quotedString(value, ctx);
    }
    if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        // not allowed:
        // - '-' or '?'
        // - start with an indicator character (except [?:-]) or /[?-] /
        // - '\n ', ': ' or ' \n' anywhere
        // - '#' not preceded by a non-space char
        // - end with ' ' or ':'
        return implicitKey || inFlow || !value.includes('\n')
            ? quotedString(value, ctx)
            : blockString(item, ctx, onComment, onChompKeep);
    }
    if (!implicitKey &&
        !inFlow &&
        type !== Scalar.Scalar.PLAIN &&
        value.includes('\n')) {
        // Where allowed & type not set explicitly, prefer block style for multiline strings
        return blockString(item, ctx, onComment, onChompKeep);
    }
    if (containsDocumentMarker(value)) {
        if (indent === '') {
            ctx.forceBlockIndent = true;
            return blockString(item, ctx, onComment, onChompKeep);
        }
        else if (implicitKey && indent === indentStep) {
            return quotedString(value, ctx);
        }
    }
    const str = value.replace(/\n+/g, `$&\n${indent}`);
    // Verify that output will be parsed as a string, as e.g. plain numbers and
    // booleans get parsed with those types in v1.2 (e.g. '42', 'true' & '0.9e-3'),
    // and others in v1.1.
    if (actualString) {
        const test = (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
            return quotedString(value, ctx);
    }
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function stringifyString(item, ctx, onComment, onChompKeep) {
    const { implicitKey, inFlow } = ctx;
    const ss = typeof item.value === 'string'
        ? item
        : Object.assign({}, item, { value: String(item.value) });
    let { type } = item;
    if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        // force double quotes on control characters & unpaired surrogates
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
            type = Scalar.Scalar.QUOTE_DOUBLE;
    }
    const _stringify = (_type) => {
        switch (_type) {
            case Scalar.Scalar.BLOCK_FOLDED:
            case Scalar.Scalar.BLOCK_LITERAL:
                return implicitKey || inFlow
                    ? quotedString(ss.value, ctx) // blocks are not valid inside flow containers
                    : blockString(ss, ctx, onComment, onChompKeep);
            case Scalar.Scalar.QUOTE_DOUBLE:
                return doubleQuotedString(ss.value, ctx);
            case Scalar.Scalar.QUOTE_SINGLE:
                return singleQuotedString(ss.value, ctx);
            case Scalar.Scalar.PLAIN:
                return plainString(ss, ctx, onComment, onChompKeep);
            default:
                return null;
        }
    };
    let res = _stringify(type);
    if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = (implicitKey && defaultKeyType) || defaultStringType;
        res = _stringify(t);
        if (res === null)
            throw new Error(`Unsupported default string type ${t}`);
    }
    return res;
}

exports.stringifyString = stringifyString;


/***/ }),

/***/ 204:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove node');
/**
 * Apply a visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
function visit(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        visit_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current node */
visit.SKIP = SKIP;
/** Remove the current node */
visit.REMOVE = REMOVE;
function visit_(key, node, visitor, path) {
    const ctrl = callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = visit_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = visit_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = visit_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
/**
 * Apply an async visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `Promise`: Must resolve to one of the following values
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
async function visitAsync(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visitAsync.BREAK = BREAK;
/** Do not visit the children of the current node */
visitAsync.SKIP = SKIP;
/** Remove the current node */
visitAsync.REMOVE = REMOVE;
async function visitAsync_(key, node, visitor, path) {
    const ctrl = await callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = await visitAsync_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = await visitAsync_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = await visitAsync_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
function initVisitor(visitor) {
    if (typeof visitor === 'object' &&
        (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
            Alias: visitor.Node,
            Map: visitor.Node,
            Scalar: visitor.Node,
            Seq: visitor.Node
        }, visitor.Value && {
            Map: visitor.Value,
            Scalar: visitor.Value,
            Seq: visitor.Value
        }, visitor.Collection && {
            Map: visitor.Collection,
            Seq: visitor.Collection
        }, visitor);
    }
    return visitor;
}
function callVisitor(key, node, visitor, path) {
    if (typeof visitor === 'function')
        return visitor(key, node, path);
    if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
    if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
    if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
    if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
    if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
    return undefined;
}
function replaceNode(key, path, node) {
    const parent = path[path.length - 1];
    if (identity.isCollection(parent)) {
        parent.items[key] = node;
    }
    else if (identity.isPair(parent)) {
        if (key === 'key')
            parent.key = node;
        else
            parent.value = node;
    }
    else if (identity.isDocument(parent)) {
        parent.contents = node;
    }
    else {
        const pt = identity.isAlias(parent) ? 'alias' : 'scalar';
        throw new Error(`Cannot replace node with ${pt} parent`);
    }
}

exports.visit = visit;
exports.visitAsync = visitAsync;


/***/ }),

/***/ 518:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6457);

process.exitCode = await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .iW)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 6457:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  iW: () => (/* binding */ main)
});

// UNUSED EXPORTS: FUNCTIONS, VERSION

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./lib/spec/attributes.js
// The documented dockerTools attributes, as data: one table serves validation,
// the CLI's flag parsing, the action's inputs and the docs.
const str = (doc, def = '') => ({ kind: { type: 'string' }, default: def, doc });
const bool = (doc, def = false) => ({ kind: { type: 'bool' }, default: def, doc });
const time = (doc) => ({ kind: { type: 'time' }, default: '1970-01-01T00:00:01Z', doc });
const COMPRESSORS = ['none', 'gz', 'zstd'];
const common = {
    name: { kind: { type: 'string', nonEmpty: true }, required: true, doc: 'The name of the generated image.' },
    tag: {
        kind: { type: 'string', nullable: true, nonEmpty: true },
        default: null,
        doc: 'Tag of the generated image; null derives a tag from the image content.',
    },
    fromImage: {
        kind: { type: 'path', nullable: true },
        default: null,
        doc: 'A docker-archive (plain, gz or zstd) of the base image.',
    },
    config: {
        kind: { type: 'object', nullable: true },
        default: null,
        doc: 'The image config (Cmd, Env, ExposedPorts, ...); store paths in it join the image.',
    },
    architecture: { kind: { type: 'string', nonEmpty: true }, default: null, doc: 'Image architecture in Go GOARCH naming; default: the host.' },
    created: time('Creation time: ISO-8601 or "now".'),
    compressor: { kind: { type: 'enum', values: COMPRESSORS }, default: 'gz', doc: 'Compression: none, gz or zstd.' },
    includeNixDB: bool('Add the Nix database of the closure at /nix/var/nix/db.'),
    meta: { kind: { type: 'object', nullable: true }, default: null, doc: 'Derivation metadata (accepted, no effect on the image).' },
};
const layered = {
    ...common,
    contents: { kind: { type: 'paths' }, default: [], doc: 'Store paths symlinked into the root (symlinkJoin); their closure goes into store layers.' },
    mtime: time('Modification time of files in the store layers: ISO-8601 or "now".'),
    uid: { kind: { type: 'int', min: 0 }, default: 0, doc: 'Owner uid of store files.' },
    gid: { kind: { type: 'int', min: 0 }, default: 0, doc: 'Owner gid of store files.' },
    uname: str('Owner user name of store files.', 'root'),
    gname: str('Owner group name of store files.', 'root'),
    maxLayers: { kind: { type: 'int', min: 2, max: 125 }, default: 100, doc: 'Maximum number of layers, base layers included.' },
    extraCommands: str('Bash script run in the customisation layer directory.'),
    fakeRootCommands: str('Bash script run under fakeroot in the customisation layer.'),
    enableFakechroot: bool('Run fakeRootCommands in a proot chroot of the layer.'),
    includeStorePaths: bool('Put the closure into store layers.', true),
    layeringPipeline: {
        kind: { type: 'json' },
        default: null,
        doc: 'Layering: "popularity", "auto", or a nixpkgs layering pipeline (JSON array of steps).',
    },
    passthru: { kind: { type: 'object', nullable: true }, default: null, doc: 'Passthru attributes (reported in --json).' },
    debug: bool('Print layering details.'),
};
const FUNCTIONS = {
    streamLayeredImage: { ...layered, compressor: { ...common.compressor, default: 'none' } },
    buildLayeredImage: layered,
    buildLayeredImageWithNixDb: { ...layered, includeNixDB: bool('Add the Nix database of the closure.', true) },
};
/** dockerTools functions that exist but arrive with later work; named so the CLI can say so. */
const PLANNED_FUNCTIONS = [
    'buildImage',
    'buildImageWithNixDb',
    'pullImage',
    'exportImage',
    'mergeImages',
    'buildNixShellImage',
    'streamNixShellImage',
];
function isFunctionName(name) {
    return Object.hasOwn(FUNCTIONS, name);
}

;// CONCATENATED MODULE: ./lib/spec/errors.js
/** A bad attribute: the message names it and says what was expected, in one line. */
class SpecError extends Error {
    name = 'SpecError';
    attribute;
    constructor(attribute, expected) {
        super(`attribute '${attribute}': ${expected}`);
        this.attribute = attribute;
    }
}
/** An error the user caused (bad input, missing tool); the CLI exits 2 with its one-line message. */
class UsageError extends Error {
    name = 'UsageError';
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __nccwpck_require__(8815);
;// CONCATENATED MODULE: ./lib/spec/parse.js
// Attributes (from a spec file, CLI flags or action inputs) → one typed, validated spec.
// Text values (flags, inputs) are coerced by the attribute's kind; JSON values are checked as they are.



function parseAttributes(fn, raw) {
    const table = FUNCTIONS[fn];
    for (const key of raw.keys()) {
        if (!Object.hasOwn(table, key)) {
            throw new SpecError(key, `not an attribute of ${fn} (known: ${Object.keys(table).join(', ')})`);
        }
    }
    const spec = {};
    for (const [key, attr] of Object.entries(table)) {
        const value = raw.get(key);
        const given = value === undefined ? undefined : 'json' in value ? value.json : fromText(key, attr.kind, value.text);
        if (given === undefined) {
            if (attr.required)
                throw new SpecError(key, 'is required');
            spec[key] = attr.default ?? null;
            continue;
        }
        spec[key] = check(key, attr.kind, given);
    }
    return spec;
}
/** Text → a JSON-shaped value, or undefined where empty text means "not given" (an action input left blank). */
function fromText(key, kind, texts) {
    const nonEmpty = texts.filter((t) => t.trim() !== '');
    if (nonEmpty.length === 0)
        return undefined;
    if (kind.type === 'paths') {
        // Repeated flags, a JSON list, or one path per line (multi-line action inputs).
        const out = [];
        for (const t of nonEmpty) {
            const s = t.trim();
            if (s.startsWith('[')) {
                const list = parseJson(key, s);
                if (!Array.isArray(list))
                    throw new SpecError(key, 'expected a path or a list of paths');
                out.push(...list.map((p) => String(p)));
            }
            else
                out.push(...s.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
        }
        return out;
    }
    if (nonEmpty.length > 1)
        throw new SpecError(key, 'given more than once');
    const text = nonEmpty[0].trim();
    switch (kind.type) {
        case 'int':
            if (!/^[+-]?\d+$/.test(text))
                throw new SpecError(key, `expected an integer, got '${text}'`);
            return Number(text);
        case 'bool':
            if (/^(true|True|TRUE)$/.test(text))
                return true;
            if (/^(false|False|FALSE)$/.test(text))
                return false;
            throw new SpecError(key, `expected true or false, got '${text}'`);
        case 'object':
            return text === 'null' ? null : parseObjectText(key, text);
        case 'json':
            return /^[[{"]/.test(text) ? parseJson(key, text) : text;
        case 'string':
            return kind.nullable && text === 'null' ? null : nonEmpty[0];
        default:
            return text;
    }
}
function parseJson(key, text) {
    try {
        return JSON.parse(text);
    }
    catch (err) {
        throw new SpecError(key, `invalid JSON: ${err.message.split('\n')[0]}`);
    }
}
/** Objects may be JSON or YAML (a workflow's `config:` block reads better as YAML). */
function parseObjectText(key, text) {
    if (text.startsWith('{'))
        return parseJson(key, text);
    try {
        return (0,dist/* parse */.qg)(text);
    }
    catch (err) {
        throw new SpecError(key, `invalid JSON or YAML: ${err.message.split('\n')[0]}`);
    }
}
function describe(v) {
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'string')
        return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
    return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
function check(key, kind, v) {
    const fail = (expected) => {
        throw new SpecError(key, `expected ${expected}, got ${describe(v)}`);
    };
    switch (kind.type) {
        case 'string':
            if (v === null && kind.nullable)
                return null;
            if (typeof v !== 'string')
                return fail(kind.nullable ? 'a string or null' : 'a string');
            if (kind.nonEmpty && v === '')
                return fail('a non-empty string');
            return v;
        case 'int': {
            if (v === null && kind.nullable)
                return null;
            if (typeof v !== 'number' || !Number.isInteger(v))
                return fail('an integer');
            if (kind.min !== undefined && v < kind.min)
                return fail(`an integer >= ${kind.min}`);
            if (kind.max !== undefined && v > kind.max)
                return fail(`an integer <= ${kind.max}`);
            return v;
        }
        case 'bool':
            return typeof v === 'boolean' ? v : fail('true or false');
        case 'enum':
            return typeof v === 'string' && kind.values.includes(v) ? v : fail(`one of ${kind.values.join(', ')}`);
        case 'path':
            if (v === null && kind.nullable)
                return null;
            return typeof v === 'string' && v !== '' ? v : fail('a path');
        case 'paths': {
            const list = typeof v === 'string' ? [v] : v;
            if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === ''))
                return fail('a path or a list of paths');
            return list;
        }
        case 'object':
            if (v === null && kind.nullable)
                return null;
            return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : fail('an attribute set (JSON object)');
        case 'time':
            if (typeof v !== 'string' || (v !== 'now' && (!ISO_8601.test(v) || Number.isNaN(toDate(v).getTime())))) {
                return fail('an ISO-8601 date and time or "now"');
            }
            return v;
        case 'json':
            return v;
    }
}
/** ISO-8601 → Date; a time without an offset is UTC, as in Nix's build sandbox. */
function toDate(iso) {
    let s = iso.replace(' ', 'T');
    if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s))
        s += 'Z';
    s = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    return new Date(s);
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./lib/image/pyjson.js
// JSON text exactly as Python's `json.dumps(value, indent=4)` writes it, so the image
// config and manifest.json we write hash the same as the ones nixpkgs' streamer writes.
function pythonJson(value, indent = 4) {
    return encode(value, indent, 0);
}
function encode(v, indent, depth) {
    if (v === null || v === undefined)
        return 'null';
    if (typeof v === 'boolean')
        return v ? 'true' : 'false';
    if (typeof v === 'number') {
        if (!Number.isFinite(v))
            throw new Error(`cannot encode ${v} as JSON`);
        return String(v);
    }
    if (typeof v === 'string')
        return quote(v);
    const pad = '\n' + ' '.repeat(indent * (depth + 1));
    const end = '\n' + ' '.repeat(indent * depth);
    if (Array.isArray(v)) {
        if (v.length === 0)
            return '[]';
        return '[' + pad + v.map((x) => encode(x, indent, depth + 1)).join(',' + pad) + end + ']';
    }
    const entries = Object.entries(v);
    if (entries.length === 0)
        return '{}';
    return '{' + pad + entries.map(([k, x]) => `${quote(k)}: ${encode(x, indent, depth + 1)}`).join(',' + pad) + end + '}';
}
// ensure_ascii: everything outside ' '..'~' is escaped; astral characters as surrogate pairs
// (JS strings already hold UTF-16 units, which is exactly what Python prints).
function quote(s) {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        const ch = s[i];
        if (ch === '"')
            out += '\\"';
        else if (ch === '\\')
            out += '\\\\';
        else if (c >= 0x20 && c <= 0x7e)
            out += ch;
        else if (ch === '\n')
            out += '\\n';
        else if (ch === '\r')
            out += '\\r';
        else if (ch === '\t')
            out += '\\t';
        else if (ch === '\b')
            out += '\\b';
        else if (ch === '\f')
            out += '\\f';
        else
            out += '\\u' + c.toString(16).padStart(4, '0');
    }
    return out + '"';
}
/** Sorts object keys recursively, as Nix's builtins.toJSON does for attribute sets. */
function sortKeysDeep(v) {
    if (Array.isArray(v))
        return v.map(sortKeysDeep);
    if (v === null || typeof v !== 'object')
        return v;
    const src = v;
    const out = {};
    for (const k of Object.keys(src).sort(byBytes))
        out[k] = sortKeysDeep(src[k]);
    return out;
}
function byBytes(a, b) {
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

;// CONCATENATED MODULE: ./lib/image/config.js
// The image config (what `<digest>.json` holds) and manifest.json, shaped as nixpkgs'
// streamer writes them: same keys, same order, Python's json formatting.


/** Base Env, then ours; a variable keeps its first position and takes its last value (child wins). */
function mergeEnv(base, own) {
    const list = [...(Array.isArray(base) ? base : []), ...(Array.isArray(own) ? own : [])].map(String);
    if (list.length === 0)
        return undefined;
    const byName = new Map();
    for (const entry of list)
        byName.set(entry.split('=', 1)[0], entry);
    return [...byName.values()];
}
function pyRepr(list) {
    return `[${list.map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}
function imageConfig(input) {
    const config = sortKeysDeep(input.config ?? {});
    if (input.baseConfig) {
        const env = mergeEnv(input.baseConfig.Env, config.Env);
        if (env)
            config.Env = env;
    }
    return {
        created: input.created,
        architecture: input.architecture,
        os: 'linux',
        config,
        rootfs: { diff_ids: input.layers.map((l) => l.diffId), type: 'layers' },
        history: input.layers.map((l) => ({ created: input.created, comment: `store paths: ${pyRepr(l.paths)}` })),
    };
}
function jsonBytes(value) {
    return Buffer.from(pythonJson(value), 'utf8');
}
function sha256Hex(data) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(data).digest('hex');
}
function manifestJson(entries) {
    return jsonBytes(entries);
}
/**
 * `created` as the streamer prints it: nixpkgs turns the attribute into `date -Iseconds`
 * form (UTC in the build sandbox) and Python's isoformat() keeps it; "now" carries microseconds.
 */
function formatCreated(date, now) {
    const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
    const seconds = iso.slice(0, 19);
    if (!now)
        return `${seconds}+00:00`;
    return `${seconds}.${iso.slice(20, 23)}000+00:00`;
}
const NIX_BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';
/** Nix's base-32 encoding (the alphabet and bit order of store path hashes). */
function nixBase32(bytes) {
    const len = Math.ceil((bytes.length * 8) / 5);
    let out = '';
    for (let n = len - 1; n >= 0; n--) {
        const b = n * 5;
        const i = Math.floor(b / 8);
        const j = b % 8;
        const c = (bytes[i] >> j) | (i + 1 < bytes.length ? bytes[i + 1] << (8 - j) : 0);
        out += NIX_BASE32[c & 0x1f];
    }
    return out;
}
/** A tag for `tag = null`: derived from the image config, so it is stable and changes with the content. */
function contentTag(configDigestHex) {
    return nixBase32(Buffer.from(configDigestHex, 'hex').subarray(0, 20));
}
/** Go's GOARCH name for the machine we run on (dockerTools' default `architecture`). */
function hostArchitecture(arch = process.arch) {
    const map = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };
    return map[arch] ?? arch;
}

;// CONCATENATED MODULE: ./lib/spec/index.js
// The one entry to specs: attributes from a spec file, CLI flags or action inputs → a typed spec.







/** Checks the function name: known, or known but arriving later (said clearly), or unknown. */
function functionName(name) {
    if (name === undefined)
        throw new UsageError(`no function given; one of: ${Object.keys(FUNCTIONS).join(', ')}`);
    if (isFunctionName(name))
        return name;
    if (PLANNED_FUNCTIONS.includes(name)) {
        throw new UsageError(`function '${name}' is not available in this version yet; available: ${Object.keys(FUNCTIONS).join(', ')}`);
    }
    throw new UsageError(`unknown function '${name}'; available: ${Object.keys(FUNCTIONS).join(', ')}`);
}
function parseSpec(fn, raw) {
    const attrs = parseAttributes(fn, raw);
    attrs.architecture ??= hostArchitecture();
    return { fn, ...attrs };
}
/** Reads `--spec FILE`: a JSON object of attributes. */
function readSpecFile(file) {
    let text;
    try {
        text = external_node_fs_namespaceObject.readFileSync(file, 'utf8');
    }
    catch (err) {
        throw new UsageError(`--spec ${file}: ${err.message}`);
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (err) {
        throw new UsageError(`--spec ${file}: invalid JSON: ${err.message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new UsageError(`--spec ${file}: expected a JSON object of attributes`);
    }
    return new Map(Object.entries(value).map(([k, v]) => [k, { json: v }]));
}
/** Seconds since the epoch for `mtime`-style attributes ("now" = the current time). */
function epochSeconds(attribute, value, now) {
    const d = value === 'now' ? now : toDate(value);
    if (Number.isNaN(d.getTime()))
        throw new SpecError(attribute, `cannot read '${value}' as a date`);
    return Math.floor(d.getTime() / 1000);
}

;// CONCATENATED MODULE: ./lib/cli/args.js
// CLI flags → raw attributes + CLI options. Attribute flags carry the documented names
// (`--maxLayers 10`); lists repeat the flag or take JSON; objects, numbers, booleans take
// JSON text; a boolean flag given bare means true.


const CLI_VALUE_FLAGS = new Set(['out', 'spec', 'work-dir']);
const CLI_BOOL_FLAGS = new Set(['load', 'json', 'verbose', 'help']);
function parseArgs(fn, argv) {
    const options = { load: false, json: false, verbose: false, help: false };
    const raw = new Map();
    const table = FUNCTIONS[fn];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '-h') {
            options.help = true;
            continue;
        }
        if (arg === '-v') {
            options.verbose = true;
            continue;
        }
        const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
        if (!m)
            throw new UsageError(`unexpected argument '${arg}' (attributes are given as --name value)`);
        const key = m[1];
        let value = m[2];
        const takeValue = () => {
            if (value !== undefined)
                return value;
            const next = argv[i + 1];
            if (next === undefined)
                throw new UsageError(`--${key} needs a value`);
            i++;
            return next;
        };
        if (CLI_BOOL_FLAGS.has(key)) {
            if (value !== undefined && !/^(true|false)$/.test(value))
                throw new UsageError(`--${key} takes no value`);
            options[key] = value !== 'false';
            continue;
        }
        if (CLI_VALUE_FLAGS.has(key)) {
            const v = takeValue();
            if (key === 'out')
                options.out = v;
            else if (key === 'spec')
                options.spec = v;
            else
                options.workDir = v;
            continue;
        }
        // An attribute; unknown names are reported by the spec parser, which lists the known ones.
        if (table[key]?.kind.type === 'bool' && value === undefined) {
            const next = argv[i + 1];
            value = next !== undefined && /^(true|false|True|False|TRUE|FALSE)$/.test(next) ? (i++, next) : 'true';
        }
        const text = takeValue();
        const prev = raw.get(key);
        if (prev && 'text' in prev)
            prev.text.push(text);
        else
            raw.set(key, { text: [text] });
    }
    return { options, raw };
}

;// CONCATENATED MODULE: ./lib/cli/help.js

function usage() {
    return `Usage: nix-docker <function> [--<attribute> VALUE ...] [--spec FILE] [--out PATH] [--load] [--json]

Builds Docker images the way Nix's dockerTools does.

Functions:
${Object.keys(FUNCTIONS).map((f) => `  ${f}`).join('\n')}
Coming later: ${PLANNED_FUNCTIONS.join(', ')}

Attributes carry the dockerTools names (--name, --tag, --contents, --config, --maxLayers, ...).
Lists repeat the flag or take JSON; objects, numbers and booleans take JSON.
  --spec FILE   a JSON object of attributes (flags override it)
  --out PATH    write the archive there (buildLayeredImage: default <name>.tar.gz)
  --load        load the image into Docker (DOCKER_HOST or the default socket)
  --json        print a JSON report on stdout
  --work-dir D  where temporary files go (default: the system temp dir)
  -v            verbose

'nix-docker <function> --help' lists the attributes of a function.
`;
}
function functionHelp(fn) {
    const table = FUNCTIONS[fn];
    const lines = Object.entries(table).map(([k, a]) => {
        const def = a.required ? 'required' : `default: ${JSON.stringify(a.default ?? null)}`;
        return `  --${k.padEnd(20)} ${a.doc} (${def})`;
    });
    return `Usage: nix-docker ${fn} [attributes] [--out PATH] [--load] [--json]\n\nAttributes:\n${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./lib/compress/index.js
// Compression that uses both cores: the input is cut into fixed-size blocks, each block
// becomes an independent gzip member or zstd frame (a concatenation of members/frames is
// a valid gzip/zstd stream, which docker, skopeo and gunzip read), blocks compress in
// parallel on libuv's thread pool, and come out in input order. Fixed block boundaries
// and fixed parameters keep the output deterministic; node:zlib's output is the same on
// Node 20, 22 and 24.



/**
 * A member boundary: the compressor ends its current block here. The archive writer puts
 * one before and after every layer's bytes, so a layer is a whole run of members, the
 * same bytes wherever it sits in an archive (and a compressed layer blob of its own).
 */
const FLUSH = Symbol('flush');
/** Drops the member boundaries, for consumers of plain bytes. */
async function* bytesOnly(source) {
    for await (const c of source)
        if (c !== FLUSH)
            yield c;
}
const DEFAULT_LEVEL = { gz: 6, zstd: 3 };
const DEFAULT_BLOCK = 4 << 20;
const gzip = (0,external_node_util_namespaceObject.promisify)(external_node_zlib_namespaceObject.gzip);
const zstdCompress = (0,external_node_util_namespaceObject.promisify)(external_node_zlib_namespaceObject.zstdCompress);
function compressBlock(kind, block, level) {
    if (kind === 'gz')
        return gzip(block, { level: level ?? DEFAULT_LEVEL.gz });
    return zstdCompress(block, {
        params: {
            [external_node_zlib_namespaceObject.constants.ZSTD_c_compressionLevel]: level ?? DEFAULT_LEVEL.zstd,
            [external_node_zlib_namespaceObject.constants.ZSTD_c_checksumFlag]: 1,
        },
    });
}
/** Compresses a byte stream; `none` passes it through. */
async function* compressStream(source, kind, opts = {}) {
    if (kind === 'none') {
        yield* bytesOnly(source);
        return;
    }
    const blockSize = opts.blockSize ?? DEFAULT_BLOCK;
    const parallel = Math.max(1, opts.parallel ?? (0,external_node_os_namespaceObject.cpus)().length + 1);
    const pending = [];
    let parts = [];
    let filled = 0;
    const submit = () => {
        const block = parts.length === 1 ? parts[0] : Buffer.concat(parts, filled);
        const job = compressBlock(kind, block, opts.level);
        job.catch(() => { }); // awaited in order below; avoid an unhandled rejection meanwhile
        pending.push(job);
        parts = [];
        filled = 0;
    };
    for await (const item of source) {
        if (item === FLUSH) {
            if (filled > 0) {
                submit();
                while (pending.length >= parallel)
                    yield await pending.shift();
            }
            continue;
        }
        let chunk = item;
        while (chunk.length > 0) {
            const take = Math.min(blockSize - filled, chunk.length);
            // Copy: the producer may reuse its buffers once we move on.
            parts.push(Buffer.from(chunk.subarray(0, take)));
            filled += take;
            chunk = chunk.subarray(take);
            if (filled === blockSize) {
                submit();
                while (pending.length >= parallel)
                    yield await pending.shift();
            }
        }
    }
    if (filled > 0 || pending.length === 0)
        submit();
    while (pending.length > 0)
        yield await pending.shift();
}
function extensionFor(kind) {
    return kind === 'gz' ? '.tar.gz' : kind === 'zstd' ? '.tar.zst' : '.tar';
}
/** Recognises gzip and zstd by their magic bytes. */
function sniffCompression(head) {
    if (head[0] === 0x1f && head[1] === 0x8b)
        return 'gz';
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd)
        return 'zstd';
    return 'none';
}
/** A streaming decompressor for a compressed input (fromImage archives). */
function decompressor(kind) {
    return kind === 'gz' ? external_node_zlib_namespaceObject.createGunzip() : external_node_zlib_namespaceObject.createZstdDecompress();
}

;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./lib/image/tarIndex.js
// Where each member of a tar file lives, without extracting anything: fromImage
// archives are hostile input, so their names are only ever used as lookup keys and
// their bytes are copied by range. Reads ustar, GNU long names and pax `path`.

const BLOCK = 512;
function field(buf, start, len) {
    const raw = buf.subarray(start, start + len);
    const nul = raw.indexOf(0);
    return raw.subarray(0, nul === -1 ? len : nul).toString('utf8');
}
function octal(buf, start, len) {
    const raw = buf.subarray(start, start + len);
    if (raw[0] & 0x80) {
        // GNU base-256 for large values
        let n = 0;
        for (let i = 1; i < len; i++)
            n = n * 256 + raw[i];
        return n;
    }
    const s = raw.toString('latin1').replace(/\0.*$/s, '').trim();
    if (s === '')
        return 0;
    if (!/^[0-7]+$/.test(s))
        throw new Error(`bad octal field '${s}'`);
    return parseInt(s, 8);
}
function checksumOk(h) {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += i >= 148 && i < 156 ? 0x20 : h[i];
    return sum === octal(h, 148, 8);
}
function paxRecords(data) {
    const out = new Map();
    let pos = 0;
    while (pos < data.length) {
        const sp = data.indexOf(0x20, pos);
        if (sp === -1)
            break;
        const len = parseInt(data.subarray(pos, sp).toString('ascii'), 10);
        if (!(len > 0) || pos + len > data.length)
            throw new Error('bad pax record');
        const rec = data.subarray(sp + 1, pos + len - 1).toString('utf8');
        const eq = rec.indexOf('=');
        if (eq > 0)
            out.set(rec.slice(0, eq), rec.slice(eq + 1));
        pos += len;
    }
    return out;
}
/** Lists the members of an uncompressed tar file. */
async function indexTar(file) {
    const fh = await promises_namespaceObject.open(file, 'r');
    try {
        const { size: fileSize } = await fh.stat();
        const members = [];
        const header = Buffer.alloc(BLOCK);
        let pos = 0;
        let longName;
        let longLink;
        let pax = new Map();
        const readData = async (offset, size) => {
            if (size > 1 << 20)
                throw new Error('tar: oversized metadata entry');
            const b = Buffer.alloc(size);
            await fh.read(b, 0, size, offset);
            return b;
        };
        while (pos + BLOCK <= fileSize) {
            await fh.read(header, 0, BLOCK, pos);
            if (header.every((b) => b === 0))
                break;
            if (!checksumOk(header))
                throw new Error(`tar: bad header checksum at offset ${pos}`);
            const type = String.fromCharCode(header[156]) || '0';
            const size = octal(header, 124, 12);
            const dataOffset = pos + BLOCK;
            if (dataOffset + size > fileSize)
                throw new Error('tar: truncated archive');
            pos = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
            if (type === 'L') {
                longName = (await readData(dataOffset, size)).toString('utf8').replace(/\0+$/, '');
                continue;
            }
            if (type === 'K') {
                longLink = (await readData(dataOffset, size)).toString('utf8').replace(/\0+$/, '');
                continue;
            }
            if (type === 'x') {
                pax = paxRecords(await readData(dataOffset, size));
                continue;
            }
            if (type === 'g')
                continue;
            const magic = header.subarray(257, 263).toString('latin1');
            const prefix = magic.startsWith('ustar') && magic !== 'ustar ' ? field(header, 345, 155) : '';
            let name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
            const linkname = pax.get('linkpath') ?? longLink ?? field(header, 157, 100);
            const realSize = pax.has('size') ? Number(pax.get('size')) : size;
            if (realSize !== size)
                throw new Error('tar: pax size differs from header size');
            name = name.replace(/^(\.\/)+/, '');
            members.push({ name, type: type === '\0' ? '0' : type, linkname, offset: dataOffset, size });
            longName = longLink = undefined;
            pax = new Map();
        }
        return members;
    }
    finally {
        await fh.close();
    }
}

;// CONCATENATED MODULE: ./lib/image/baseImage.js
// fromImage: a docker-archive (docker save, skopeo, dockerTools, ours), plain or
// compressed, read as hostile input: nothing is extracted, member names are keys,
// symlinks inside the archive are resolved only within it, and every layer's bytes
// are later copied by range and checked against the diff_id the config claims.







/** Opens a base image archive, decompressing it to a temporary file first when needed. */
async function loadBaseImage(archive, opts) {
    const attribute = opts.attribute ?? 'fromImage';
    const fail = (why) => {
        throw new UsageError(`attribute '${attribute}': ${archive}: ${why}`);
    };
    let file = archive;
    try {
        const head = Buffer.alloc(4);
        const fh = await promises_namespaceObject.open(archive, 'r');
        await fh.read(head, 0, 4, 0).finally(() => fh.close());
        const kind = sniffCompression(head);
        if (kind !== 'none') {
            file = external_node_path_namespaceObject.join(opts.workDir, `base-${external_node_path_namespaceObject.basename(archive)}.tar`);
            await (0,external_node_stream_promises_namespaceObject.pipeline)(external_node_fs_namespaceObject.createReadStream(archive), decompressor(kind), external_node_fs_namespaceObject.createWriteStream(file));
        }
    }
    catch (err) {
        if (err.code === 'ENOENT')
            fail('no such file');
        if (err instanceof UsageError)
            throw err;
        fail(`cannot read: ${err.message}`);
    }
    let members;
    try {
        members = await indexTar(file);
    }
    catch (err) {
        return fail(`not a tar archive (${err.message})`);
    }
    const byName = new Map(members.map((m) => [m.name, m]));
    const resolve = (name) => {
        let current = external_node_path_namespaceObject.posix.normalize(name.replace(/^\/+/, ''));
        for (let hops = 0; hops < 16; hops++) {
            if (current.startsWith('..'))
                fail(`member '${name}' points outside the archive`);
            const m = byName.get(current);
            if (!m)
                return fail(`member '${name}' is missing`);
            if (m.type === '0' || m.type === '7')
                return m;
            if (m.type === '1')
                current = external_node_path_namespaceObject.posix.normalize(m.linkname.replace(/^(\.\/)+/, ''));
            else if (m.type === '2')
                current = external_node_path_namespaceObject.posix.normalize(external_node_path_namespaceObject.posix.join(external_node_path_namespaceObject.posix.dirname(current), m.linkname));
            else
                return fail(`member '${name}' is not a file`);
        }
        return fail(`member '${name}': too many links`);
    };
    const readJson = async (name) => {
        const m = resolve(name);
        if (m.size > 64 << 20)
            fail(`'${name}' is too large`);
        const buf = Buffer.alloc(m.size);
        const fh = await promises_namespaceObject.open(file, 'r');
        await fh.read(buf, 0, m.size, m.offset).finally(() => fh.close());
        try {
            return JSON.parse(buf.toString('utf8'));
        }
        catch {
            return fail(`'${name}' is not valid JSON`);
        }
    };
    let entries;
    if (byName.has('manifest.json')) {
        const raw = await readJson('manifest.json');
        if (!Array.isArray(raw) || raw.length === 0)
            fail('manifest.json lists no image');
        entries = raw;
    }
    else if (byName.has('index.json')) {
        entries = await ociEntries(readJson, fail);
    }
    else {
        return fail('neither manifest.json nor index.json: not a docker-archive');
    }
    for (const e of entries) {
        if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers))
            fail('manifest.json entry without Config/Layers');
    }
    const entry = pickImage(entries, opts, fail);
    const config = (await readJson(entry.Config));
    const diffIds = config?.rootfs?.diff_ids;
    if (!Array.isArray(diffIds) || diffIds.length !== entry.Layers.length) {
        fail(`config lists ${Array.isArray(diffIds) ? diffIds.length : 'no'} diff_ids for ${entry.Layers.length} layers`);
    }
    const layers = entry.Layers.map((name, i) => {
        const diffId = String(diffIds[i]);
        if (!/^sha256:[0-9a-f]{64}$/.test(diffId))
            fail(`bad diff_id '${diffId}'`);
        const m = resolve(name);
        return { member: name, diffId, file, offset: m.offset, size: m.size };
    });
    return { config, layers, repoTags: entry.RepoTags ?? [] };
}
function pickImage(entries, opts, fail) {
    // As documented: both name and tag select an image; with only one (or none), the first image.
    if (!opts.imageName || !opts.imageTag)
        return entries[0];
    const wanted = `${opts.imageName}:${opts.imageTag}`;
    const found = entries.find((e) => (e.RepoTags ?? []).some((t) => t === wanted || t === `docker.io/${wanted}` || t === `docker.io/library/${wanted}`));
    if (found)
        return found;
    const held = entries.flatMap((e) => e.RepoTags ?? []).join(', ') || '(untagged images only)';
    return fail(`no image ${wanted} in the archive; it holds: ${held}`);
}
/** An OCI layout archive (index.json only): follow the index to Docker-style entries. */
async function ociEntries(readJson, fail) {
    const blob = (digest) => {
        const m = /^sha256:([0-9a-f]{64})$/.exec(String(digest));
        return m ? `blobs/sha256/${m[1]}` : fail(`bad digest '${String(digest)}'`);
    };
    const index = (await readJson('index.json'));
    const out = [];
    for (const desc of index.manifests ?? []) {
        let manifest = (await readJson(blob(desc.digest)));
        if (manifest.manifests)
            manifest = (await readJson(blob(manifest.manifests[0]?.digest)));
        if (!manifest.config || !manifest.layers)
            continue;
        const ref = desc.annotations?.['io.containerd.image.name'] ?? desc.annotations?.['org.opencontainers.image.ref.name'];
        out.push({ Config: blob(manifest.config.digest), RepoTags: ref?.includes(':') ? [ref] : [], Layers: manifest.layers.map((l) => blob(l.digest)) });
    }
    if (out.length === 0)
        fail('index.json lists no image');
    return out;
}

;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");
;// CONCATENATED MODULE: ./lib/tar/pystr.js
// How CPython sees a file name, for the python-pax dialect.
//
// Python decodes file names from the file system as UTF-8 with
// `surrogateescape`: each valid UTF-8 sequence becomes one code point and each
// byte that is not part of one becomes one lone surrogate (U+DC80..U+DCFF).
// tarfile then encodes header fields with `ascii`/`replace` (one `?` per code
// point), and pathlib sorts paths by comparing those code point strings
// component by component. These helpers reproduce both on raw bytes.

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if none starts there. */
function utf8SequenceAt(b, i) {
    const c = b[i];
    if (c < 0x80)
        return 1;
    const cont = (j, lo = 0x80, hi = 0xbf) => j < b.length && b[j] >= lo && b[j] <= hi;
    if (c >= 0xc2 && c <= 0xdf)
        return cont(i + 1) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        const lo = c === 0xe0 ? 0xa0 : 0x80;
        const hi = c === 0xed ? 0x9f : 0xbf;
        return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        const lo = c === 0xf0 ? 0x90 : 0x80;
        const hi = c === 0xf4 ? 0x8f : 0xbf;
        return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    return 0;
}
/** True when every byte is 7-bit ASCII. */
function isAscii(b) {
    for (let i = 0; i < b.length; i++)
        if (b[i] >= 0x80)
            return false;
    return true;
}
/** `name.encode('ascii', 'replace')` of the surrogateescape-decoded bytes. */
function asciiReplace(b) {
    if (isAscii(b))
        return b;
    const out = [];
    for (let i = 0; i < b.length;) {
        const n = utf8SequenceAt(b, i);
        out.push(n === 1 ? b[i] : 0x3f);
        i += n === 0 ? 1 : n;
    }
    return Uint8Array.from(out);
}
/** The code points Python's surrogateescape decoding gives for `b`. */
function pythonCodePoints(b) {
    const out = [];
    for (let i = 0; i < b.length;) {
        const n = utf8SequenceAt(b, i);
        if (n === 0) {
            out.push(0xdc00 + b[i]);
            i += 1;
            continue;
        }
        let cp = n === 1 ? b[i] : b[i] & (0xff >> (n + 1));
        for (let k = 1; k < n; k++)
            cp = (cp << 6) | (b[i + k] & 0x3f);
        out.push(cp);
        i += n;
    }
    return out;
}
/**
 * Orders two path components as Python orders the decoded strings. For valid
 * UTF-8 that is plain byte order (UTF-8 preserves code point order); bytes that
 * need a surrogate escape sort as U+DC80..U+DCFF.
 */
function comparePythonNames(a, b) {
    if ((0,external_node_buffer_namespaceObject.isUtf8)(a) && (0,external_node_buffer_namespaceObject.isUtf8)(b))
        return Buffer.compare(a, b);
    const x = pythonCodePoints(a);
    const y = pythonCodePoints(b);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++)
        if (x[i] !== y[i])
            return x[i] - y[i];
    return x.length - y.length;
}

;// CONCATENATED MODULE: ./lib/tar/header.js
// Tar header blocks, byte for byte as two reference writers produce them.
//
// python-pax: CPython's tarfile in PAX_FORMAT (its default), as
//   `TarFile.addfile` writes a member. ustar block with magic "ustar\0" "00";
//   numbers as tarfile's itn(): width-1 octal digits and a NUL; checksum
//   "%06o\0 "; devmajor/devminor empty (all NUL) except for devices; names
//   and link targets over 100 bytes, any non-ASCII name, uname/gname over 32
//   bytes and numbers out of octal range go into a preceding "././@PaxHeader"
//   'x' entry (records in tarfile's order, its length computation, and
//   "hdrcharset=BINARY" first when a value is not valid UTF-8). The ustar
//   block itself is encoded ascii/replace (one '?' per code point) and
//   truncated to the field; overflowed numbers are written as 0.
// gnu: GNU tar 1.34 `--format=gnu`. Magic "ustar  \0"; the same octal fields,
//   base-256 (0x80 prefix) for values out of octal range; names and link
//   targets over 100 bytes go into "././@LongLink" 'K' (link) then 'L' (name)
//   entries (mode 0644, owner 0/0, mtime 0) and are truncated in the block;
//   uname/gname truncated to 31 bytes.


const BLOCK_SIZE = 512;
/** Both writers pad an archive to a multiple of 20 blocks (tar's default blocking factor). */
const RECORD_SIZE = 20 * BLOCK_SIZE;
class header_TarError extends Error {
    constructor(message) {
        super(message);
        this.name = 'TarError';
    }
}
const TYPEFLAG = {
    file: 0x30,
    symlink: 0x32,
    char: 0x33,
    block: 0x34,
    directory: 0x35,
    fifo: 0x36,
};
const PAX_TYPE = 0x78; // 'x'
const LONGNAME_TYPE = 0x4c; // 'L'
const LONGLINK_TYPE = 0x4b; // 'K'
const POSIX_MAGIC = Buffer.from('ustar\x0000', 'latin1');
const GNU_MAGIC = Buffer.from('ustar  \x00', 'latin1');
const PAX_NAME = Buffer.from('././@PaxHeader', 'latin1');
const LONGLINK_NAME = Buffer.from('././@LongLink', 'latin1');
const EMPTY = new Uint8Array(0);
const SLASH = 0x2f;
const utf8 = (v) => typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
const padded = (n) => Math.ceil(n / BLOCK_SIZE) * BLOCK_SIZE;
function memberName(h) {
    const name = utf8(h.name);
    if (h.type !== 'directory' || name[name.length - 1] === SLASH)
        return name;
    const withSlash = new Uint8Array(name.length + 1);
    withSlash.set(name);
    withSlash[name.length] = SLASH;
    return withSlash;
}
/** The member name for messages. */
function displayName(h) {
    return Buffer.from(utf8(h.name)).toString('utf8');
}
function checkNumbers(h) {
    for (const key of ['mode', 'size', 'mtime', 'uid', 'gid']) {
        if (!Number.isSafeInteger(h[key])) {
            throw new header_TarError(`tar member ${displayName(h)}: ${key} must be an integer, got ${h[key]}`);
        }
    }
    if (h.size < 0 || h.uid < 0 || h.gid < 0) {
        throw new header_TarError(`tar member ${displayName(h)}: size, uid and gid must not be negative`);
    }
    if (h.type !== 'file' && h.size !== 0) {
        throw new header_TarError(`tar member ${displayName(h)}: only files have a size`);
    }
}
const fitsOctal = (v, width) => v >= 0 && v < 8 ** (width - 1);
/** One pax record "<len> <keyword>=<value>\n", with tarfile's self-referential length. */
function paxRecord(keyword, value) {
    const l = keyword.length + value.length + 3;
    let p = 0;
    for (;;) {
        const n = l + String(p).length;
        if (n === p)
            break;
        p = n;
    }
    return Buffer.concat([Buffer.from(`${p} ${keyword}=`, 'latin1'), value, Buffer.from('\n')]);
}
function encodePython(h) {
    const name = memberName(h);
    const linkname = utf8(h.linkname ?? EMPTY);
    const uname = utf8(h.uname);
    const gname = utf8(h.gname);
    const pax = [];
    const strings = [
        ['path', name, 100],
        ['linkpath', linkname, 100],
        ['uname', uname, 32],
        ['gname', gname, 32],
    ];
    for (const [keyword, value, length] of strings) {
        if (!isAscii(value) || value.length > length)
            pax.push([keyword, value]);
    }
    const numbers = { uid: h.uid, gid: h.gid, size: h.size, mtime: h.mtime };
    for (const [keyword, width] of [['uid', 8], ['gid', 8], ['size', 12], ['mtime', 12]]) {
        if (!fitsOctal(numbers[keyword], width)) {
            pax.push([keyword, Buffer.from(String(numbers[keyword]), 'latin1')]);
            numbers[keyword] = 0;
        }
    }
    const block = {
        name: asciiReplace(name),
        mode: h.mode & 0o7777,
        ...numbers,
        typeflag: TYPEFLAG[h.type],
        linkname: asciiReplace(linkname),
        magic: POSIX_MAGIC,
        uname: asciiReplace(uname),
        gname: asciiReplace(gname),
        dev: device(h),
    };
    if (pax.length === 0)
        return { extensions: [], payloads: [], block };
    const records = [];
    if (pax.some(([, value]) => !(0,external_node_buffer_namespaceObject.isUtf8)(value)))
        records.push(Buffer.from('21 hdrcharset=BINARY\n'));
    for (const [keyword, value] of pax)
        records.push(paxRecord(keyword, value));
    const payload = Buffer.concat(records);
    const paxBlock = {
        name: PAX_NAME,
        mode: 0,
        uid: 0,
        gid: 0,
        size: payload.length,
        mtime: 0,
        typeflag: PAX_TYPE,
        linkname: EMPTY,
        magic: POSIX_MAGIC,
        uname: EMPTY,
        gname: EMPTY,
        dev: null,
    };
    return { extensions: [paxBlock], payloads: [payload], block };
}
function encodeGnu(h, longLinkOwner) {
    if (h.mtime < 0)
        throw new header_TarError(`tar member ${displayName(h)}: negative mtime`);
    const name = memberName(h);
    const linkname = utf8(h.linkname ?? EMPTY);
    const owner = utf8(longLinkOwner);
    const extensions = [];
    const payloads = [];
    const longEntry = (value, typeflag) => {
        const payload = new Uint8Array(value.length + 1);
        payload.set(value);
        payloads.push(payload);
        extensions.push({
            name: LONGLINK_NAME,
            mode: 0o644,
            uid: 0,
            gid: 0,
            size: payload.length,
            mtime: 0,
            typeflag,
            linkname: EMPTY,
            magic: GNU_MAGIC,
            uname: owner.subarray(0, 31),
            gname: owner.subarray(0, 31),
            dev: null,
        });
    };
    if (linkname.length > 100)
        longEntry(linkname, LONGLINK_TYPE);
    if (name.length > 100)
        longEntry(name, LONGNAME_TYPE);
    const block = {
        name,
        mode: h.mode & 0o7777,
        uid: h.uid,
        gid: h.gid,
        size: h.size,
        mtime: h.mtime,
        typeflag: TYPEFLAG[h.type],
        linkname,
        magic: GNU_MAGIC,
        uname: utf8(h.uname).subarray(0, 31),
        gname: utf8(h.gname).subarray(0, 31),
        dev: device(h),
    };
    return { extensions, payloads, block };
}
function device(h) {
    if (h.type !== 'char' && h.type !== 'block')
        return null;
    return [h.devmajor ?? 0, h.devminor ?? 0];
}
function header_encode(h, opts) {
    checkNumbers(h);
    return opts.dialect === 'gnu' ? encodeGnu(h, opts.longLinkOwner ?? '') : encodePython(h);
}
function writeNumber(buf, off, width, v, gnu) {
    if (fitsOctal(v, width)) {
        buf.write(v.toString(8).padStart(width - 1, '0'), off, width - 1, 'latin1');
        buf[off + width - 1] = 0;
        return;
    }
    if (!gnu || v < 0 || v >= 256 ** (width - 1))
        throw new header_TarError(`number out of range: ${v}`);
    buf[off] = 0x80;
    for (let i = width - 1; i >= 1; i--) {
        buf[off + i] = v % 256;
        v = Math.floor(v / 256);
    }
}
function writeBlock(buf, off, b) {
    const gnu = b.magic === GNU_MAGIC;
    buf.fill(0, off, off + BLOCK_SIZE);
    buf.set(b.name.subarray(0, 100), off);
    writeNumber(buf, off + 100, 8, b.mode, gnu);
    writeNumber(buf, off + 108, 8, b.uid, gnu);
    writeNumber(buf, off + 116, 8, b.gid, gnu);
    writeNumber(buf, off + 124, 12, b.size, gnu);
    writeNumber(buf, off + 136, 12, b.mtime, gnu);
    buf[off + 156] = b.typeflag;
    buf.set(b.linkname.subarray(0, 100), off + 157);
    buf.set(b.magic, off + 257);
    buf.set(b.uname.subarray(0, 32), off + 265);
    buf.set(b.gname.subarray(0, 32), off + 297);
    if (b.dev) {
        writeNumber(buf, off + 329, 8, b.dev[0], gnu);
        writeNumber(buf, off + 337, 8, b.dev[1], gnu);
    }
    let sum = 8 * 0x20; // the checksum field counts as spaces
    for (let i = off; i < off + 148; i++)
        sum += buf[i];
    for (let i = off + 156; i < off + BLOCK_SIZE; i++)
        sum += buf[i];
    buf.write(`${sum.toString(8).padStart(6, '0')}\x00 `, off + 148, 8, 'latin1');
}
function encodedSize(e) {
    let n = BLOCK_SIZE;
    for (const p of e.payloads)
        n += BLOCK_SIZE + padded(p.length);
    return n;
}
function writeEncoded(buf, off, e) {
    const start = off;
    e.extensions.forEach((ext, i) => {
        const payload = e.payloads[i];
        writeBlock(buf, off, ext);
        off += BLOCK_SIZE;
        buf.set(payload, off);
        buf.fill(0, off + payload.length, off + padded(payload.length));
        off += padded(payload.length);
    });
    writeBlock(buf, off, e.block);
    return off + BLOCK_SIZE - start;
}
/** Bytes `encodeHeader` returns for `h`: 512, plus the extension entries it needs. */
function header_headerSize(h, opts) {
    return encodedSize(header_encode(h, opts));
}
/**
 * Writes the header of `h` (extension entries included) into `buf` at `off`
 * and returns the bytes written. `buf` needs `headerSize(h)` bytes of room.
 */
function writeHeader(buf, off, h, opts) {
    return writeEncoded(buf, off, header_encode(h, opts));
}
/** The header of `h` as its own buffer (a multiple of 512 bytes). */
function encodeHeader(h, opts) {
    const e = header_encode(h, opts);
    const buf = Buffer.allocUnsafe(encodedSize(e));
    writeEncoded(buf, 0, e);
    return buf;
}
/** Zero bytes that follow `size` bytes of content to the next block boundary. */
function header_paddingSize(size) {
    return padded(size) - size;
}
/**
 * Bytes that close an archive of `written` bytes: two zero blocks, then zeros
 * up to a multiple of RECORD_SIZE. Python's TarFile.close() and GNU tar's
 * end-of-archive give the same length.
 */
function header_endOfArchiveSize(written) {
    const n = written + 2 * BLOCK_SIZE;
    return 2 * BLOCK_SIZE + ((RECORD_SIZE - (n % RECORD_SIZE)) % RECORD_SIZE);
}

;// CONCATENATED MODULE: ./lib/tar/walk.js
// File system → planned members: one lstat per entry, names kept as raw bytes
// (file names need not be UTF-8), children in a caller-chosen order.


const walk_SLASH = Buffer.from('/');
function joinPath(dir, name) {
    return dir[dir.length - 1] === 0x2f
        ? Buffer.concat([dir, name])
        : Buffer.concat([dir, walk_SLASH, name]);
}
function typeOf(st) {
    if (st.isFile())
        return 'file';
    if (st.isDirectory())
        return 'directory';
    if (st.isSymbolicLink())
        return 'symlink';
    if (st.isFIFO())
        return 'fifo';
    if (st.isCharacterDevice())
        return 'char';
    if (st.isBlockDevice())
        return 'block';
    return null; // a socket
}
/** Linux's encoding of a device number (glibc's gnu_dev_major/minor). */
function major(rdev) {
    return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}
function minor(rdev) {
    return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}
/**
 * The member for `path` (already lstat'ed as `st`), named `name`. Hard links
 * are plain files here: every file carries its own content. Returns null for
 * sockets, which tar cannot hold.
 */
function memberFromStat(name, path, st, owner) {
    const type = typeOf(st);
    if (type === null)
        return null;
    const member = {
        header: {
            name,
            type,
            mode: owner.mode ?? st.mode & 0o7777,
            size: type === 'file' ? st.size : 0,
            mtime: owner.mtime,
            uid: owner.uid,
            gid: owner.gid,
            uname: owner.uname,
            gname: owner.gname,
        },
    };
    if (type === 'file')
        member.source = path;
    if (type === 'symlink')
        member.header.linkname = (0,external_node_fs_namespaceObject.readlinkSync)(path, { encoding: 'buffer' });
    if (type === 'char' || type === 'block') {
        member.header.devmajor = major(st.rdev);
        member.header.devminor = minor(st.rdev);
    }
    return member;
}
/** The names in directory `path`, sorted by `order`. */
function sortedChildren(path, order) {
    return (0,external_node_fs_namespaceObject.readdirSync)(path, { encoding: 'buffer' }).sort(order);
}
function lstat(path) {
    try {
        return (0,external_node_fs_namespaceObject.lstatSync)(path);
    }
    catch (err) {
        throw new header_TarError(`cannot archive ${path.toString()}: ${err.message}`);
    }
}

;// CONCATENATED MODULE: ./lib/tar/writer.js
// Turns a list of planned members into a PlannedTar: the size is summed from
// the plan, and chunks() makes one pass over the members, reading each file
// once, straight into the output chunk.


/** Output chunk size: headers and small files are batched, large files read in pieces of this size. */
const CHUNK_SIZE = 1 << 20;
/** Collects output into CHUNK_SIZE buffers; full ones wait in `ready` to be yielded. */
class ChunkBuffer {
    buf = Buffer.allocUnsafe(CHUNK_SIZE);
    pos = 0;
    produced = 0;
    ready = [];
    room() {
        return this.buf.length - this.pos;
    }
    /** Moves the current buffer to `ready` when it is full. */
    rotateIfFull() {
        if (this.pos < this.buf.length)
            return;
        this.ready.push(this.buf);
        this.produced += this.buf.length;
        this.buf = Buffer.allocUnsafe(CHUNK_SIZE);
        this.pos = 0;
    }
    write(bytes) {
        for (let off = 0; off < bytes.length;) {
            this.rotateIfFull();
            const n = Math.min(this.room(), bytes.length - off);
            this.buf.set(bytes.subarray(off, off + n), this.pos);
            this.pos += n;
            off += n;
        }
    }
    zeros(count) {
        while (count > 0) {
            this.rotateIfFull();
            const n = Math.min(this.room(), count);
            this.buf.fill(0, this.pos, this.pos + n);
            this.pos += n;
            count -= n;
        }
    }
    /** Everything not yet yielded, the partial buffer included. */
    flush() {
        if (this.pos > 0) {
            this.ready.push(this.buf.subarray(0, this.pos));
            this.produced += this.pos;
            this.buf = Buffer.allocUnsafe(CHUNK_SIZE);
            this.pos = 0;
        }
        const out = this.ready;
        this.ready = [];
        return out;
    }
    take() {
        const out = this.ready;
        this.ready = [];
        return out;
    }
}
const writer_describe = (p) => (typeof p === 'string' ? p : p.toString());
function changed(source, planned, how) {
    return new header_TarError(`${writer_describe(source)} changed while archiving: planned ${planned} bytes, ${how}`);
}
/**
 * Reads exactly `size` bytes of `source` into `out`, yielding full chunks as
 * they fill. The last read asks for one byte more than needed: a file that
 * grew fails without an extra system call, one that shrank fails on EOF.
 */
function* copyFile(out, source, size) {
    const fd = (0,external_node_fs_namespaceObject.openSync)(source, 'r');
    try {
        let remaining = size;
        let atEof = false;
        while (remaining > 0) {
            out.rotateIfFull();
            yield* out.take();
            const want = Math.min(remaining + 1, out.room());
            const got = (0,external_node_fs_namespaceObject.readSync)(fd, out.buf, out.pos, want, null);
            if (got === 0)
                throw changed(source, size, `ended after ${size - remaining}`);
            if (got > remaining)
                throw changed(source, size, 'it has grown');
            out.pos += got;
            remaining -= got;
            atEof = got < want;
        }
        if (!atEof && (0,external_node_fs_namespaceObject.readSync)(fd, Buffer.alloc(1), 0, 1, null) > 0) {
            throw changed(source, size, 'it has grown');
        }
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/** The exact length of the archive holding `members`. */
function archiveSize(members, opts) {
    let n = 0;
    for (const m of members)
        n += header_headerSize(m.header, opts) + m.header.size + header_paddingSize(m.header.size);
    return n + header_endOfArchiveSize(n);
}
async function* stream(members, opts, size) {
    const out = new ChunkBuffer();
    for (const m of members) {
        const h = m.header;
        out.write(encodeHeader(h, opts));
        if (h.type === 'file') {
            if (m.source === undefined)
                throw new header_TarError(`${displayName(h)}: a file needs a source`);
            yield* copyFile(out, m.source, h.size);
            out.zeros(header_paddingSize(h.size));
        }
        if (out.ready.length > 0)
            yield* out.take();
    }
    const written = out.produced + out.pos;
    out.zeros(header_endOfArchiveSize(written));
    yield* out.flush();
    if (out.produced !== size) {
        throw new header_TarError(`tar writer produced ${out.produced} bytes, planned ${size}`);
    }
}
/** A PlannedTar over members whose metadata (sizes included) is already known. */
function plannedTar(members, opts) {
    const size = archiveSize(members, opts);
    return { size, chunks: () => stream(members, opts, size) };
}

;// CONCATENATED MODULE: ./lib/tar/store-layer.js
// A store layer: the tar that nixpkgs' stream_layered_image.py writes for one
// layer's store paths (its archive_paths_to), in the python-pax dialect.




function checkOwnership(own) {
    for (const key of ['mtime', 'uid', 'gid']) {
        if (!Number.isSafeInteger(own[key])) {
            throw new header_TarError(`store layer ${key} must be an integer, got ${own[key]}`);
        }
    }
    if (own.uid < 0 || own.gid < 0)
        throw new header_TarError('store layer uid and gid must not be negative');
}
function checkStorePath(path, storeDir) {
    const base = path.slice(storeDir.length + 1);
    if (!path.startsWith(`${storeDir}/`) ||
        base === '' ||
        base === '.' ||
        base === '..' ||
        base.includes('/')) {
        throw new header_TarError(`not a store path under ${storeDir}: ${path}`);
    }
}
/**
 * Everything below directory `dir`, depth first, siblings in pathlib's order
 * (Python string order of the component). That is the order of
 * `sorted(path.rglob("*"))`, which compares paths component by component.
 * Symlinks to directories are entries, never descended.
 */
function addTree(dir, owner, out) {
    for (const child of sortedChildren(dir, comparePythonNames)) {
        const path = joinPath(dir, child);
        const st = lstat(path);
        const member = memberFromStat(path, path, st, owner);
        if (member === null)
            throw new header_TarError(`cannot archive socket ${path.toString()}`);
        out.push(member);
        if (st.isDirectory())
            addTree(path, owner, out);
    }
}
/**
 * Plans the tar of one store layer: `/nix/` and `/nix/store/` (mode 0755),
 * then each store path in the given order followed by everything below it.
 * A store path that is a symlink is written alone. Every member gets
 * mtime/uid/gid/uname/gname from `own`; permission bits, sizes and symlink
 * targets come from the file system, read now (lstat, readlink) so the size is
 * exact before the first byte. File contents are read when chunks() runs.
 */
async function planStoreLayer(paths, own, opts = {}) {
    checkOwnership(own);
    const storeDir = opts.storeDir ?? '/nix/store';
    for (const path of paths)
        checkStorePath(path, storeDir);
    const owner = {
        mtime: own.mtime,
        uid: own.uid,
        gid: own.gid,
        uname: own.uname,
        gname: own.gname,
    };
    const topDir = (name) => ({
        header: { name, type: 'directory', mode: 0o755, size: 0, ...owner },
    });
    // stream_layered_image.py writes these two whatever the store directory is.
    const members = [topDir('/nix'), topDir('/nix/store')];
    for (const path of paths) {
        const root = Buffer.from(path);
        const st = lstat(root);
        const member = memberFromStat(root, root, st, owner);
        if (member === null)
            throw new header_TarError(`cannot archive socket ${path}`);
        members.push(member);
        if (st.isDirectory())
            addTree(root, owner, members);
    }
    return plannedTar(members, { dialect: 'python-pax' });
}

;// CONCATENATED MODULE: ./lib/tar/directory.js
// A directory tree as one tar, the way GNU tar 1.34 packs nixpkgs'
// customisation layer:
//   tar --format=gnu --sort=name --numeric-owner --owner=0 --group=0 \
//       --mtime=@315532800 --hard-dereference -C dir -cf - .




/**
 * Plans the tar of the tree at `root`, in GNU tar's `--sort=name` order: the
 * root, then depth first, each directory's entries in byte order of their
 * names. Hard links are written as files with their content
 * (`--hard-dereference`), symlinks as symlinks, sockets are skipped (GNU tar
 * warns "socket ignored"). Metadata is read now, contents in chunks().
 */
async function planDirectoryTar(root, opts) {
    const numericOwner = opts.numericOwner ?? true;
    if (numericOwner && (opts.uname !== undefined || opts.gname !== undefined)) {
        throw new header_TarError('uname/gname are written only with numericOwner: false');
    }
    const given = opts.prefix ?? './';
    const prefix = given === '' || given.endsWith('/') ? given : `${given}/`;
    const owners = opts.owners ?? new Map();
    const modes = opts.modes ?? new Map();
    const keyed = owners.size > 0 || modes.size > 0;
    const base = {
        mtime: opts.mtime,
        uid: opts.uid ?? 0,
        gid: opts.gid ?? 0,
        uname: numericOwner ? '' : (opts.uname ?? ''),
        gname: numericOwner ? '' : (opts.gname ?? ''),
    };
    const ownerOf = (rel) => {
        if (!keyed)
            return base;
        const key = rel.length === 0 ? '.' : `./${rel.toString('utf8')}`;
        const o = owners.get(key);
        const mode = modes.get(key);
        if (o === undefined && mode === undefined)
            return base;
        return { ...base, ...(o ?? {}), ...(mode === undefined ? {} : { mode: mode & 0o7777 }) };
    };
    const prefixBytes = Buffer.from(prefix);
    const members = [];
    const add = (path, rel, st) => {
        const name = Buffer.concat([prefixBytes, rel]);
        const member = memberFromStat(name, path, st, ownerOf(rel));
        if (member !== null)
            members.push(member);
    };
    const addTree = (dir, rel) => {
        for (const child of sortedChildren(dir, Buffer.compare)) {
            const path = joinPath(dir, child);
            const childRel = rel.length === 0 ? child : joinPath(rel, child);
            const st = lstat(path);
            add(path, childRel, st);
            if (st.isDirectory())
                addTree(path, childRel);
        }
    };
    const rootPath = Buffer.from(root);
    // `tar -C root .` enters the root, so a symlink to a directory counts as one.
    const rootStat = (0,external_node_fs_namespaceObject.statSync)(rootPath);
    if (!rootStat.isDirectory())
        throw new header_TarError(`not a directory: ${root}`);
    if (prefix !== '')
        add(rootPath, Buffer.alloc(0), rootStat);
    addTree(rootPath, Buffer.alloc(0));
    return plannedTar(members, {
        dialect: opts.dialect,
        longLinkOwner: numericOwner ? '' : 'root',
    });
}

;// CONCATENATED MODULE: ./lib/tar/archive.js
// Helpers for an outer archive (the docker-archive: layers, config,
// manifest.json), whose members are whole files: in-memory bytes or planned
// tars. Defaults are those of a fresh tarfile.TarInfo, as
// stream_layered_image.py's add_bytes and add_layer_dir leave them.

function fileHeader(info) {
    return {
        name: info.name,
        type: 'file',
        size: info.size,
        mtime: info.mtime,
        mode: info.mode ?? 0o644,
        uid: info.uid ?? 0,
        gid: info.gid ?? 0,
        uname: info.uname ?? '',
        gname: info.gname ?? '',
    };
}
/** Header bytes (with any pax entry it needs) of a regular file member. */
function encodeFileHeader(info, dialect = 'python-pax') {
    return encodeHeader(fileHeader(info), { dialect });
}
/** Zeros that follow `size` bytes of member content to the block boundary. */
function padding(size) {
    return Buffer.alloc(header_paddingSize(size));
}
/** Zeros that end an archive after `written` bytes: two blocks, then up to a 10240-byte record. */
function endOfArchive(written) {
    return Buffer.alloc(header_endOfArchiveSize(written));
}
const bodySize = (body) => body instanceof Uint8Array ? body.length : body.size;
/**
 * An archive of whole-file members, in order, as a PlannedTar: planned tars
 * are streamed through (their size goes in the header first), byte arrays
 * copied. Each planned body must produce exactly its `size` (asserted).
 */
function planArchive(members, dialect = 'python-pax') {
    let size = 0;
    for (const m of members) {
        const n = bodySize(m.body);
        size += headerSize(fileHeader({ ...m, size: n }), { dialect }) + n + paddingSize(n);
    }
    size += endOfArchiveSize(size);
    async function* chunks() {
        let written = 0;
        for (const m of members) {
            const n = bodySize(m.body);
            const head = encodeFileHeader({ ...m, size: n }, dialect);
            yield head;
            written += head.length;
            if (m.body instanceof Uint8Array) {
                if (n > 0)
                    yield m.body;
            }
            else {
                let got = 0;
                for await (const chunk of m.body.chunks()) {
                    got += chunk.length;
                    if (got > n)
                        break;
                    yield chunk;
                }
                if (got !== n)
                    throw new TarError(`archive member ${m.name}: planned ${n} bytes, got ${got}`);
            }
            written += n;
            const pad = paddingSize(n);
            if (pad > 0)
                yield Buffer.alloc(pad);
            written += pad;
        }
        const end = endOfArchive(written);
        yield end;
        written += end.length;
        if (written !== size)
            throw new TarError(`archive: planned ${size} bytes, wrote ${written}`);
    }
    return { size, chunks };
}

;// CONCATENATED MODULE: ./lib/tar/index.js
/**
 * Deterministic tar writer.
 *
 * Layers must be byte-identical to the ones nixpkgs' dockerTools writes, so
 * their sha256 (the diff_id) matches and caches, registries and `docker load`
 * see the same layer whoever built it. Two reference writers are reproduced,
 * each a "dialect" of the header encoder (header.ts):
 *
 * - python-pax: CPython's tarfile, as stream_layered_image.py uses it for
 *   store layers and for the outer docker-archive;
 * - gnu: GNU tar 1.34 `--format=gnu`, as nixpkgs packs the customisation
 *   layer and buildImage's layer.
 *
 * Determinism rules. Nothing of the build machine leaks into the bytes:
 * - order: store layers list `/nix/`, `/nix/store/`, then each store path
 *   followed by its tree sorted component by component as pathlib sorts
 *   (`a`, `a/b`, `a-c`); directory tars follow GNU tar's `--sort=name`
 *   (depth first, siblings in byte order) — never readdir order;
 * - metadata: mtime, uid, gid, uname and gname come from the caller; only
 *   permission bits (`mode & 0o7777`), sizes and symlink targets come from the
 *   file system; no atime/ctime, inode, device or hard-link identity;
 * - hard links are written as regular files with their content; symlinks are
 *   kept and never followed (a symlinked directory is not descended);
 * - names are raw bytes; encodings that depend on them (pax records,
 *   `?` replacement, LongLink entries) follow the reference writers exactly;
 * - every archive ends with two zero blocks and zeros up to a 10240-byte record.
 *
 * Single-pass design. A tar member's header carries its size, so a layer
 * embedded in the docker-archive needs its exact length before its first
 * byte. stream_layered_image.py solves this by writing every layer twice
 * (once into a hashing sink, once for real). Here planning does it instead:
 * `planStoreLayer` / `planDirectoryTar` walk the tree once, lstat() and
 * readlink() everything, and sum the exact archive length (headers, with any
 * pax/LongLink entries, content, padding, end of archive) into `size`. Only
 * then does `chunks()` read each file once, in 1 MiB pieces straight into the
 * output chunks (headers and small files batched into the same chunks), so
 * memory stays flat whatever the file sizes. A file whose size changed
 * between planning and reading is an error naming it, and the total produced
 * is asserted equal to `size`. The diff_id is hashed by the consumer from the
 * same single stream. File reads are synchronous: each chunk costs one short
 * blocking read, which is faster than a thread-pool round trip per file.
 */






;// CONCATENATED MODULE: ./lib/image/dockerArchive.js
// The docker-archive writer, in one pass.
//
// A docker-archive is a tar of layer tars, `<config digest>.json` and manifest.json.
// The outer tar needs each layer's size before its bytes; nixpkgs' streamer tars every
// layer twice (once to learn size and digest). We learn the size up front from lstat
// (PlannedTar) and name each layer member by a key we know before writing it instead
// of by its digest, so every layer is read and tarred exactly once; its diff_id is
// hashed on the way through and lands in the config, which comes after the layers.





/** Yields the bytes of a docker-archive. */
async function* dockerArchive(opts) {
    let offset = 0;
    const emit = (b) => {
        offset += b.length;
        return b;
    };
    const records = [];
    const written = new Map(); // member → diff_id
    let index = 0;
    for await (const layer of opts.layers) {
        opts.onLayer?.(index++, layer);
        const seen = written.get(layer.member);
        if (seen !== undefined) {
            records.push({ diffId: seen, paths: layer.paths, member: layer.member, size: layer.size });
            continue;
        }
        yield emit(encodeFileHeader({ name: layer.member, size: layer.size, mtime: opts.mtime }));
        yield FLUSH;
        const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
        let n = 0;
        for await (const chunk of layer.chunks()) {
            hash.update(chunk);
            n += chunk.length;
            yield emit(chunk);
        }
        if (n !== layer.size)
            throw new Error(`layer ${layer.member}: wrote ${n} bytes, planned ${layer.size}`);
        yield FLUSH;
        yield emit(padding(n));
        const diffId = `sha256:${hash.digest('hex')}`;
        if (layer.diffId !== undefined && layer.diffId !== diffId) {
            throw new Error(`layer ${layer.member}: content hashes to ${diffId}, but the image config says ${layer.diffId}`);
        }
        written.set(layer.member, diffId);
        records.push({ diffId, paths: layer.paths, member: layer.member, size: layer.size });
    }
    const config = jsonBytes(opts.makeConfig(records));
    const configHex = sha256Hex(config);
    const configMember = `${configHex}.json`;
    yield* file(configMember, config);
    const repoTag = opts.repoTag(configHex);
    const manifest = manifestJson([{ Config: configMember, RepoTags: [repoTag], Layers: records.map((r) => r.member) }]);
    yield* file('manifest.json', manifest);
    yield emit(endOfArchive(offset));
    opts.onDone?.({ configDigest: `sha256:${configHex}`, configMember, repoTag, layers: records, manifest, config });
    function* file(name, data) {
        yield emit(encodeFileHeader({ name, size: data.length, mtime: opts.mtime }));
        yield emit(data);
        yield emit(padding(data.length));
    }
}
/** A byte range of a file as a layer source (base layers are copied this way). */
function fileRange(file, offset, size) {
    return async function* () {
        if (size === 0)
            return;
        yield* external_node_fs_namespaceObject.createReadStream(file, { start: offset, end: offset + size - 1, highWaterMark: 1 << 20 });
    };
}

;// CONCATENATED MODULE: ./lib/layering/errors.js
/**
 * A layering input the user got wrong. `attribute` names the dockerTools attribute to fix
 * (`maxLayers`, `layeringPipeline`), and the one-line message starts with it.
 */
class LayeringError extends Error {
    name = 'LayeringError';
    attribute;
    constructor(attribute, message) {
        super(`${attribute}: ${message}`);
        this.attribute = attribute;
    }
}
/** The closure graph handed to the planner is inconsistent (a bug upstream of layering). */
class StoreGraphError extends Error {
    name = 'StoreGraphError';
}

;// CONCATENATED MODULE: ./lib/layering/graph.js
// The graph every strategy starts from, as nixpkgs' `exportReferencesGraph` hands it to
// the layering scripts: the closure of the roots, one node per store path, ordered by
// store path (Nix iterates a sorted set of paths). That order is the tie-break of every
// stable sort below, so it is part of the result.

/** Code-unit order, which for store paths (ASCII) is Python's and Nix's string order. */
function compareStrings(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** The closure of `roots` in `graph`; nodes outside it are ignored. */
function closureOf(graph, roots) {
    const byPath = new Map();
    for (const node of graph) {
        if (typeof node.path !== 'string' || !Number.isFinite(node.narSize) || node.narSize < 0) {
            throw new StoreGraphError(`bad store node ${JSON.stringify(node)}`);
        }
        if (byPath.has(node.path))
            throw new StoreGraphError(`store path ${node.path} appears twice in the graph`);
        byPath.set(node.path, node);
    }
    const seen = new Set();
    const todo = [];
    for (const root of roots) {
        if (!byPath.has(root))
            throw new StoreGraphError(`root ${root} is not in the graph`);
        todo.push(root);
    }
    while (todo.length > 0) {
        const path = todo.pop();
        if (seen.has(path))
            continue;
        seen.add(path);
        for (const ref of byPath.get(path).references) {
            if (!byPath.has(ref))
                throw new StoreGraphError(`${path} refers to ${ref}, which is not in the graph`);
            if (!seen.has(ref))
                todo.push(ref);
        }
    }
    const nodes = [...seen].sort(compareStrings).map((p) => byPath.get(p));
    const index = new Map(nodes.map((n, i) => [n.path, i]));
    const refs = nodes.map((n, i) => [...new Set(n.references.map((r) => index.get(r)))].filter((r) => r !== i));
    return { nodes, index, refs };
}
/** Everything reachable from `start` along `next` (each start included). */
function reachable(start, next) {
    const done = new Set();
    const todo = [...start];
    while (todo.length > 0) {
        const x = todo.pop();
        if (done.has(x))
            continue;
        done.add(x);
        for (const y of next[x])
            if (!done.has(y))
                todo.push(y);
    }
    return done;
}
/** The reverse adjacency of `next`. */
function reverseEdges(next) {
    const prev = next.map(() => []);
    next.forEach((targets, from) => {
        for (const to of targets)
            prev[to].push(from);
    });
    return prev;
}

;// CONCATENATED MODULE: ./lib/layering/auto.js
// nixpkgs' "auto" layering (pkgs/build-support/docker/auto-layer.py, the default of
// streamLayeredImage since nixpkgs PR #355189):
//
// The largest store paths (by narSize) become "primary" paths one at a time. Each path
// is labelled with the set of primary paths it belongs to; paths with the same label
// share a layer. Making P primary labels P with {P}; for every dependency D of P the
// transitive users of P leave D's label, and P joins it unless the label already holds
// another dependency of P. A step that would make more than `limit` distinct labels is
// not taken, and the loop stops there. Ties in narSize: the path later in store-path
// order is taken first (Python's stable sort, popped from the end).
//
// Layers come out by closure size (the narSize of the layer's paths and everything
// they refer to), smallest first; paths in a layer by (name, "/nix/store/<hash>").
// Ignored paths take part in all of this and are dropped at the end, together with
// layers left empty — so a layer holding only ignored paths still used up a place.
// nixpkgs orders layers of equal closure size by Python set iteration order (string
// hashing); we order those by their first path's key instead, to stay deterministic.

/** nixpkgs' `path_key`: (name, "/nix/store/<hash>"). */
function pathKeyCompare(a, b) {
    const [ha, na] = splitHash(a);
    const [hb, nb] = splitHash(b);
    return compareStrings(na, nb) || compareStrings(ha, hb);
}
function splitHash(path) {
    const dash = path.indexOf('-');
    return dash < 0 ? [path, ''] : [path.slice(0, dash), path.slice(dash + 1)];
}
function label(members) {
    return { members, key: members.join(',') };
}
function autoLayers(closure, ignore, limit) {
    const { nodes, refs } = closure;
    const users = reverseEdges(refs);
    const empty = label([]);
    let split = nodes.map(() => empty);
    // Stable sort by narSize over store-path order; primaries are taken from the end.
    const bySize = nodes.map((_, i) => i).sort((a, b) => nodes[a].narSize - nodes[b].narSize);
    while (bySize.length > 0) {
        const primary = bySize.pop();
        const deps = reachable(refs[primary], refs);
        deps.delete(primary);
        const primaryUsers = reachable(users[primary], users);
        primaryUsers.delete(primary);
        const next = split.slice();
        next[primary] = label([primary]);
        for (const dep of deps) {
            let members = next[dep].members.filter((m) => !primaryUsers.has(m));
            if (!members.some((m) => deps.has(m)))
                members = [...members, primary].sort((a, b) => a - b);
            next[dep] = label(members);
        }
        if (new Set(next.map((l) => l.key)).size > limit)
            break;
        split = next;
    }
    const groups = new Map();
    split.forEach((l, i) => {
        const group = groups.get(l.key);
        if (group)
            group.push(i);
        else
            groups.set(l.key, [i]);
    });
    const layers = [...groups.values()].map((members) => {
        const closureSize = [...reachable(members, refs)].reduce((sum, i) => sum + nodes[i].narSize, 0);
        const paths = members.map((i) => nodes[i].path).sort(pathKeyCompare);
        return { closureSize, paths };
    });
    layers.sort((a, b) => a.closureSize - b.closureSize || pathKeyCompare(a.paths[0], b.paths[0]));
    return layers.map((l) => l.paths.filter((p) => !ignore.has(p))).filter((paths) => paths.length > 0);
}

;// CONCATENATED MODULE: ./lib/layering/pipeline/graph.js
// The few igraph operations the nixpkgs pipeline uses, on a small immutable graph.
// What matters for equal results is vertex order: every operation keeps the relative
// order of the vertices it keeps (igraph's induced_subgraph and vertex deletion do), a
// union appends, and the final layers list each graph's vertices in that order.

const EMPTY_GRAPH = { kind: 'graph', names: [], out: [] };
function makeGraph(names, out) {
    return { kind: 'graph', names, out };
}
const nameIndex = new WeakMap();
/** The vertex named `name` (the first, should a union hold it twice). */
function findVertex(g, name) {
    let index = nameIndex.get(g);
    if (!index) {
        index = new Map();
        g.names.forEach((n, i) => index.has(n) || index.set(n, i));
        nameIndex.set(g, index);
    }
    return index.get(name);
}
/** The subgraph on the vertices `keep` accepts, in their original order. */
function induced(g, keep) {
    const renumber = new Map();
    g.names.forEach((_, v) => keep(v) && renumber.set(v, renumber.size));
    if (renumber.size === g.names.length)
        return g;
    const names = [];
    const out = [];
    for (const [v] of renumber) {
        names.push(g.names[v]);
        out.push(g.out[v].filter((t) => renumber.has(t)).map((t) => renumber.get(t)));
    }
    return makeGraph(names, out);
}
/** igraph's `a + b` for graphs: a disjoint union, `b`'s vertices after `a`'s. */
function union(a, b) {
    if (a.names.length === 0)
        return b;
    const shift = a.names.length;
    return makeGraph([...a.names, ...b.names], [...a.out, ...b.out.map((ts) => ts.map((t) => t + shift))]);
}
/** igraph's `subcomponent(v, mode)`: `v` and what it reaches ("out") or what reaches it ("in"). */
function subcomponent(g, vertices, mode) {
    return reachable(vertices, mode === 'out' ? g.out : reverseEdges(g.out));
}
function inDegrees(g) {
    const deg = g.names.map(() => 0);
    for (const targets of g.out)
        for (const t of targets)
            deg[t]++;
    return deg;
}
/** A copy with one more vertex, last, and edges from it to `targets`. */
function addVertex(g, name, targets) {
    return makeGraph([...g.names, name], [...g.out, [...targets]]);
}
/** A copy without the edges that point at `targets`. */
function withoutEdgesInto(g, targets) {
    return makeGraph(g.names, g.out.map((ts) => ts.filter((t) => !targets.has(t))));
}

;// CONCATENATED MODULE: ./lib/layering/pipeline/parse.js
// The `layeringPipeline` language of nixpkgs (flattenReferencesGraph's pipe.py): a JSON
// array of steps `[name, ...args]`, applied in turn to the closure graph. We check the
// whole pipeline before running it, and stricter than nixpkgs, which fails somewhere
// in Python (or quietly does something odd, like reading a string as a list of one-
// character paths) when a step gets the wrong arguments.

const STEP_NAMES = [
    'popularity_contest',
    'flatten',
    'reverse',
    'limit_layers',
    'split_every',
    'remove_paths',
    'subcomponent_in',
    'subcomponent_out',
    'split_paths',
    'over',
    'map',
    'pipe',
];
const ATTRIBUTE = 'layeringPipeline';
function fail(where, message) {
    throw new LayeringError(ATTRIBUTE, `${where ? `${where} ` : ''}${message}`);
}
function show(value) {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
/** Checks a user's pipeline (parsed JSON); throws a LayeringError naming `layeringPipeline`. */
function parseLayeringPipeline(value) {
    return parsePipeline(value, '');
}
function parsePipeline(value, where) {
    if (!Array.isArray(value))
        fail(where, `must be a list of steps, got ${show(value)}`);
    return value.map((step, i) => parseStep(step, `${where}[${i}]`));
}
function parseStep(value, where) {
    if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'string') {
        fail(where, `must be a step like ["popularity_contest"] or ["limit_layers", 100], got ${show(value)}`);
    }
    const [name, ...args] = value;
    const arity = (n, usage) => {
        if (args.length !== n)
            fail(where, `${name} takes ${n === 0 ? 'no arguments' : usage}, got ${show(value)}`);
    };
    switch (name) {
        case 'popularity_contest':
        case 'flatten':
        case 'reverse':
            arity(0, '');
            return [name];
        case 'limit_layers':
        case 'split_every': {
            arity(1, 'one argument, a positive integer');
            const n = args[0];
            if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
                fail(where, `${name} needs a positive integer, got ${show(n)}`);
            return [name, n];
        }
        case 'remove_paths': {
            arity(1, 'one argument, a path or a list of paths');
            const paths = args[0];
            if (typeof paths === 'string')
                return [name, paths];
            return [name, stringList(paths, where, name)];
        }
        case 'subcomponent_in':
        case 'subcomponent_out':
            arity(1, 'one argument, a list of paths');
            return [name, stringList(args[0], where, name)];
        case 'split_paths': {
            arity(1, 'one argument, a list of paths or {"children_of": ...}');
            if (!Array.isArray(args[0]))
                fail(where, `split_paths needs a list, got ${show(args[0])}`);
            return [name, args[0].map((spec) => splitPathSpec(spec, where))];
        }
        case 'over': {
            arity(2, 'two arguments, a key ("main", "common" or "rest") and a step');
            if (typeof args[0] !== 'string')
                fail(where, `over needs a key string first, got ${show(args[0])}`);
            return [name, args[0], parseStep(args[1], `${where}[2]`)];
        }
        case 'map':
            arity(1, 'one argument, a step');
            return [name, parseStep(args[0], `${where}[1]`)];
        case 'pipe':
            arity(1, 'one argument, a list of steps');
            return [name, parsePipeline(args[0], `${where}[1]`)];
        default:
            return fail(where, `unknown step ${show(name)}; known steps: ${STEP_NAMES.join(', ')}`);
    }
}
function stringList(value, where, name) {
    if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) {
        fail(where, `${name} needs a list of store paths, got ${show(value)}`);
    }
    return [...value];
}
function splitPathSpec(value, where) {
    if (typeof value === 'string')
        return value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const keys = Object.keys(value);
        const childrenOf = value.children_of;
        if (keys.length === 1 && keys[0] === 'children_of') {
            if (typeof childrenOf === 'string')
                return { children_of: childrenOf };
            if (Array.isArray(childrenOf) && childrenOf.every((x) => typeof x === 'string'))
                return { children_of: [...childrenOf] };
        }
    }
    return fail(where, `split_paths takes paths or {"children_of": path(s)}, got ${show(value)}`);
}

;// CONCATENATED MODULE: ./lib/layering/popularity.js
// nixpkgs' popularity contest (references-by-popularity/closure-graph.py, and the same
// code as flatten_references_graph's popularity_contest.py):
//
// - roots are the paths no other path refers to (self references do not count);
// - the graph below each root is unfolded into a tree (a path reached twice appears
//   twice), and each path's score sums, over every occurrence, 1 plus the size of the
//   unfolding above it, as `graph_popularity_contest` computes it:
//     score(x)[p] = Σ over children c of x: [c = p] + (p below c ? score(c)[p] + 1 : 0)
//   and the top level is the same sum over the roots, each root counting 1;
// - paths are ordered by score, highest first; equal scores by "name then hash": the
//   key `package_name` moves the `/nix/store/<hash>` part after the name
//   (`/nix/store/abc-hello-2.12` → `hello-2.12-/nix/store/abc`), ascending;
// - paths no root reaches (only possible in a cyclic graph) come last, by path
//   (nixpkgs appends them in Python set order).
//
// Unfolding that recursion, score(p) = Σ W(y) over the paths y that reach p (p
// included), where W(y) counts the ways down from the roots to y; we compute it so,
// in O(V·V/32 + E). Scores grow exponentially with depth and Python's are exact: we
// count in doubles and, should a score pass 2^53, count again in bigints.


/** nixpkgs' `package_name` sort key: the hash part of the path moved behind the name. */
function packageNameKey(path) {
    const parts = path.split('-');
    const start = parts.shift();
    parts.push(start);
    return parts.join('-');
}
/**
 * Vertex indices, most popular first. `children[i]` are the references of vertex `i`
 * (without itself), all within `names`.
 */
function popularityOrder(names, children) {
    const scores = popularityScores(children);
    const reached = [...scores.keys()];
    const keys = names.map(packageNameKey);
    reached.sort((a, b) => {
        const sa = scores.get(a);
        const sb = scores.get(b);
        if (sa !== sb)
            return sa > sb ? -1 : 1;
        return compareStrings(keys[a], keys[b]);
    });
    const missing = names.map((_, i) => i).filter((i) => !scores.has(i));
    missing.sort((a, b) => compareStrings(names[a], names[b]));
    return [...reached, ...missing];
}
/** The popularity of every vertex reachable from a root. */
function popularityScores(children) {
    const n = children.length;
    const kids = children.map((ks, i) => [...new Set(ks)].filter((k) => k !== i));
    const referenced = new Array(n).fill(false);
    kids.forEach((ks) => ks.forEach((k) => (referenced[k] = true)));
    const roots = kids.map((_, i) => i).filter((i) => !referenced[i]);
    const order = topologicalOrder(roots, kids);
    // Unfolding the sum above: score(p) = Σ over every y that reaches p (p included) of
    // W(y), the number of ways down from the roots to y. Counted in doubles; should a
    // number pass 2^53, counted again in bigints.
    const words = (n + 31) >>> 5;
    const above = order.map(() => new Uint32Array(words));
    const slot = new Map(order.map((v, i) => [v, i]));
    order.forEach((v, i) => {
        above[i][v >>> 5] |= 1 << (v & 31);
        for (const c of kids[v]) {
            const into = above[slot.get(c)];
            const from = above[i];
            for (let w = 0; w < words; w++)
                into[w] |= from[w];
        }
    });
    const count = (zero, one) => {
        const add = (a, b) => (a + b);
        const ways = new Map(roots.map((r) => [r, one]));
        for (const v of order)
            for (const c of kids[v])
                ways.set(c, add(ways.get(c) ?? zero, ways.get(v)));
        const scores = new Map();
        order.forEach((p, i) => {
            let score = zero;
            const bits = above[i];
            for (let w = 0; w < words; w++) {
                for (let word = bits[w]; word !== 0; word &= word - 1)
                    score = add(score, ways.get((w << 5) + (31 - Math.clz32(word & -word))));
            }
            scores.set(p, score);
        });
        if (typeof zero === 'number' && [...scores.values()].some((s) => s > Number.MAX_SAFE_INTEGER))
            return null;
        return scores;
    };
    const fast = count(0, 1);
    if (fast)
        return new Map([...fast].map(([v, s]) => [v, BigInt(s)]));
    return count(0n, 1n);
}
/** Vertices reachable from `roots`, each before everything it refers to. */
function topologicalOrder(roots, kids) {
    const state = new Uint8Array(kids.length); // 0 new, 1 on the stack, 2 done
    const postOrder = [];
    for (const root of roots) {
        const stack = [[root, 0]];
        state[root] = 1;
        while (stack.length > 0) {
            const top = stack[stack.length - 1];
            const [x, next] = top;
            if (next < kids[x].length) {
                top[1] = next + 1;
                const c = kids[x][next];
                // nixpkgs recurses forever here (the unfolding of a cycle has no end).
                if (state[c] === 1)
                    throw new StoreGraphError(`the store graph has a cycle through vertex ${c}`);
                if (state[c] === 0) {
                    state[c] = 1;
                    stack.push([c, 0]);
                }
                continue;
            }
            state[x] = 2;
            postOrder.push(x);
            stack.pop();
        }
    }
    return postOrder.reverse();
}

;// CONCATENATED MODULE: ./lib/layering/pipeline/steps.js
// The graph steps of the nixpkgs pipeline (flattenReferencesGraph: subcomponent.py,
// split_paths.py, popularity_contest.py and lib.py), each as the Python computes it.


function found(g, paths) {
    const out = [];
    for (const p of paths) {
        const v = findVertex(g, p);
        if (v !== undefined)
            out.push(v);
    }
    return out;
}
/** One single-vertex graph per path, most popular first. */
function popularityContest(g) {
    return popularityOrder(g.names, g.out).map((v) => makeGraph([g.names[v]], [[]]));
}
/** `main`: the given paths and what they reach ("out") or what reaches them ("in"); `rest`: the others. */
function subcomponentSplit(mode, paths, g) {
    const main = subcomponent(g, found(g, paths), mode);
    return [
        ['main', induced(g, (v) => main.has(v))],
        ['rest', induced(g, (v) => !main.has(v))],
    ];
}
function removePaths(paths, g) {
    const drop = new Set(found(g, typeof paths === 'string' ? [paths] : paths));
    return drop.size === 0 ? g : induced(g, (v) => !drop.has(v));
}
/** Consecutive runs of `count` vertices. */
function splitEvery(count, g) {
    const out = [];
    for (let start = 0; start < g.names.length; start += count) {
        out.push(induced(g, (v) => v >= start && v < start + count));
    }
    return out;
}
/** The first `max - 1` items as they are, then every other graph merged into one. */
function limitLayers(max, items, merge) {
    return [...items.slice(0, max - 1), merge(items.slice(max - 1))];
}
function mergeGraphs(graphs) {
    return graphs.reduce(union, EMPTY_GRAPH);
}
const FAKE_ROOT = '__root__';
/**
 * split_paths: `main` holds the split paths and the dependencies only they reach,
 * `common` the dependencies the rest of the graph reaches too, `rest` the others.
 * Edges into the split paths are gone from all three. Empty parts are left out.
 */
function splitPaths(specs, gIn) {
    const splitAt = [];
    for (const spec of specs) {
        if (typeof spec === 'string') {
            splitAt.push(...found(gIn, [spec]));
        }
        else {
            const parents = found(gIn, typeof spec.children_of === 'string' ? [spec.children_of] : spec.children_of);
            for (const p of parents)
                splitAt.push(...gIn.out[p]);
        }
    }
    if (splitAt.length === 0)
        return [['rest', gIn]];
    // One root for the whole graph: the only vertex without predecessors, or a fake one
    // pointing at all of them.
    const deg = inDegrees(gIn);
    const roots = gIn.names.map((_, v) => v).filter((v) => deg[v] === 0);
    const faked = roots.length !== 1;
    const g = faked ? addVertex(gIn, FAKE_ROOT, roots) : gIn;
    const root = faked ? g.names.length - 1 : roots[0];
    if (splitAt.includes(root))
        return [['main', gIn]];
    const splitOff = subcomponent(g, splitAt, 'out');
    const cut = withoutEdgesInto(g, new Set(splitAt));
    const restWithCommon = subcomponent(cut, [root], 'out');
    const common = new Set([...splitOff].filter((v) => restWithCommon.has(v)));
    const parts = [
        ['main', (v) => splitOff.has(v) && !common.has(v)],
        ['common', (v) => common.has(v)],
        ['rest', (v) => restWithCommon.has(v) && !common.has(v) && !(faked && v === root)],
    ];
    return parts
        .map(([key, keep]) => [key, induced(cut, keep)])
        .filter(([, part]) => part.names.length > 0);
}

;// CONCATENATED MODULE: ./lib/layering/pipeline/run.js
// Runs a checked pipeline on the closure graph, as nixpkgs' pipe.py does: each step
// takes the previous value — a graph, a list, or a split result ({main, common, rest},
// keys in that order) — and the final value is flattened into layers, empty ones
// dropped. Where nixpkgs would crash on a value of the wrong kind (or, for a few steps,
// quietly work on the keys of a split result), we stop with a LayeringError.


function isList(v) {
    return Array.isArray(v);
}
function run_describe(v) {
    if (isList(v))
        return `a list of ${v.length}`;
    if (v.kind === 'split')
        return `a split result {${v.entries.map(([k]) => k).join(', ')}}`;
    return 'a graph';
}
function run_fail(where, message) {
    throw new LayeringError('layeringPipeline', `${where} ${message}`);
}
function split(entries) {
    return { kind: 'split', entries };
}
/** The layers (store paths, in order) a checked pipeline makes of `graph`. */
function runPipeline(pipeline, graph) {
    const result = runSteps(pipeline, graph, '');
    if (!isList(result) && result.kind === 'graph') {
        run_fail('', 'ends with a single graph; end it with a step that makes layers, e.g. ["popularity_contest"] or ["split_every", 1]');
    }
    return flatten(result)
        .map((g) => [...g.names])
        .filter((layer) => layer.length > 0);
}
function runSteps(steps, value, where) {
    return steps.reduce((v, step, i) => runStep(step, v, `${where}[${i}]`), value);
}
function graphArg(step, v, where) {
    if (!isList(v) && v.kind === 'graph')
        return v;
    return run_fail(where, `${step[0]} works on a graph, but got ${run_describe(v)}`);
}
function listArg(step, v, where) {
    if (isList(v))
        return v;
    return run_fail(where, `${step[0]} works on a list (use ["flatten"] first), but got ${run_describe(v)}`);
}
function runStep(step, v, where) {
    switch (step[0]) {
        case 'popularity_contest':
            return popularityContest(graphArg(step, v, where));
        case 'split_every':
            return splitEvery(step[1], graphArg(step, v, where));
        case 'remove_paths':
            return removePaths(step[1], graphArg(step, v, where));
        case 'subcomponent_in':
        case 'subcomponent_out':
            return split(subcomponentSplit(step[0] === 'subcomponent_in' ? 'in' : 'out', step[1], graphArg(step, v, where)));
        case 'split_paths':
            return split(splitPaths(step[1], graphArg(step, v, where)));
        case 'flatten':
            if (!isList(v) && v.kind === 'graph')
                run_fail(where, 'flatten works on a list or a split result, but got a graph');
            return flatten(v);
        case 'reverse':
            return [...listArg(step, v, where)].reverse();
        case 'limit_layers':
            return limitLayers(step[1], listArg(step, v, where), (rest) => mergeGraphs(rest.map((g) => (!isList(g) && g.kind === 'graph' ? g : run_fail(where, `limit_layers can only merge graphs, but got ${run_describe(g)}`)))));
        case 'map':
            return listArg(step, v, where).map((item) => runStep(step[1], item, `${where}[1]`));
        case 'pipe':
            return runSteps(step[1], v, `${where}[1]`);
        case 'over': {
            const key = step[1];
            if (isList(v) || v.kind !== 'split')
                return run_fail(where, `over works on a split result, but got ${run_describe(v)}`);
            if (!v.entries.some(([k]) => k === key)) {
                return run_fail(where, `over: the split result has no ${JSON.stringify(key)} (it has ${v.entries.map(([k]) => k).join(', ') || 'nothing'})`);
            }
            return split(v.entries.map(([k, x]) => [k, k === key ? runStep(step[2], x, `${where}[2]`) : x]));
        }
    }
}
/** Every graph in a nest of lists and split results, in order. */
function flatten(v) {
    if (isList(v))
        return v.flatMap(flatten);
    if (v.kind === 'split')
        return v.entries.flatMap(([, x]) => flatten(x));
    return [v];
}

;// CONCATENATED MODULE: ./lib/layering/plan.js
// Which store paths share a layer: the strategies of nixpkgs' streamLayeredImage.
//
// Default: "auto". nixpkgs' pkgs/build-support/docker/default.nix (since PR #355189,
// seen in a nixpkgs tree at commit 81babd460f93197c19601d6f4d20650bcf2c643e) computes
// the layers with
//   if layeringPipeline == null then dockerAutoLayer { closureRoots excludePaths fromImage maxLayers ... }
//   else dockerMakeLayers { closureRoots excludePaths; pipeline = layeringPipeline; }
// where dockerAutoLayer runs auto-layer.py (./auto.ts). Before that change the default
// was popularity-contest-layering-pipeline.nix, i.e. the pipeline
// [["popularity_contest"], ["limit_layers", available]] ("popularity" here), and before
// the pipeline existed, references-by-popularity's ordering cut into layers by jq
// ("references-by-popularity" here).







/** nixpkgs' default (see the top of this file). */
const DEFAULT_STRATEGY = 'auto';
const NAMED = ['auto', 'popularity', 'references-by-popularity'];
/**
 * The `layeringPipeline` attribute as given (parsed JSON): null/undefined for the
 * default, a strategy name, or a nixpkgs pipeline. Throws a LayeringError naming
 * `layeringPipeline`.
 */
function parseLayeringStrategy(value) {
    if (value === undefined || value === null)
        return DEFAULT_STRATEGY;
    if (typeof value === 'string') {
        if (NAMED.includes(value))
            return value;
        throw new LayeringError('layeringPipeline', `unknown strategy ${JSON.stringify(value)}; use ${NAMED.map((n) => JSON.stringify(n)).join(', ')} or a pipeline (a list of steps)`);
    }
    return parseLayeringPipeline(value);
}
/**
 * How many store layers an image may have: nixpkgs keeps one layer for the
 * customisation layer and `baseLayerCount` for `fromImage`, and fails unless at least
 * one is left. (With a layeringPipeline nixpkgs does not check maxLayers at all.)
 */
function availableLayers(maxLayers, baseLayerCount = 0) {
    if (!Number.isInteger(maxLayers))
        throw new LayeringError('maxLayers', `must be an integer, got ${maxLayers}`);
    if (!Number.isInteger(baseLayerCount) || baseLayerCount < 0) {
        throw new TypeError(`baseLayerCount must be a non-negative integer, got ${baseLayerCount}`);
    }
    const used = baseLayerCount + 1;
    if (!(used < maxLayers)) {
        throw new LayeringError('maxLayers', `${used} layer(s) are taken by 'fromImage' (${baseLayerCount}) and the customisation layer (1), ` +
            `but only maxLayers=${maxLayers} are allowed; at least 1 layer is needed for the store paths`);
    }
    return maxLayers - used;
}
/**
 * The store layers, in ascending order, nixpkgs would make of the closure of
 * `opts.roots` in `graph`. Pure: data in, data out.
 */
function planLayers(graph, opts) {
    const strategy = parseLayeringStrategy(opts.strategy);
    if (opts.roots.length === 0)
        return [];
    const closure = closureOf(graph, opts.roots);
    const exclude = new Set(opts.exclude ?? []);
    if (typeof strategy !== 'string')
        return runPipeline(strategy, pipelineGraph(closure, exclude));
    const limit = opts.availableLayers;
    if (limit === undefined || !Number.isInteger(limit) || limit < 1) {
        throw new TypeError(`planLayers: availableLayers must be a positive integer for "${strategy}", got ${limit}`);
    }
    switch (strategy) {
        case 'auto':
            return autoLayers(closure, exclude, limit);
        case 'popularity':
            return runPipeline([['popularity_contest'], ['limit_layers', limit]], pipelineGraph(closure, exclude));
        case 'references-by-popularity': {
            const names = closure.nodes.map((n) => n.path);
            const ordered = popularityOrder(names, closure.refs)
                .map((i) => names[i])
                .filter((p) => !exclude.has(p));
            // jq: (.[:$maxLayers-1] | map([.])) + [ .[$maxLayers-1:] ] | map(select(length > 0))
            return [...ordered.slice(0, limit - 1).map((p) => [p]), ordered.slice(limit - 1)].filter((l) => l.length > 0);
        }
    }
}
/**
 * flatten_references_graph's input graph: excluded paths and references to them
 * removed, vertices sorted (stably, over store-path order) by narSize.
 */
function pipelineGraph(closure, exclude) {
    const kept = closure.nodes.map((_, i) => i).filter((i) => !exclude.has(closure.nodes[i].path));
    kept.sort((a, b) => closure.nodes[a].narSize - closure.nodes[b].narSize || compareStrings(closure.nodes[a].path, closure.nodes[b].path));
    const position = new Map(kept.map((old, pos) => [old, pos]));
    return makeGraph(kept.map((i) => closure.nodes[i].path), kept.map((i) => closure.refs[i].filter((r) => position.has(r)).map((r) => position.get(r))));
}

;// CONCATENATED MODULE: ./lib/layering/roots.js
// What nixpkgs layers. streamLayeredImage hands its layering the closure of two helper
// store paths (`closureRoots = [ baseJson customisationLayer ]`, both in `excludePaths`):
//
// - `<name>-base.json`, a writeText of {architecture, config, os}: it refers to the
//   store paths the config mentions;
// - `<name>-customisation-layer`, holding `layer.tar` and `checksum`: it refers to what
//   the tar's symlinks point at (the contents).
//
// Both take part in the planning — they are roots of the popularity contest and nodes
// of the auto layering (where their narSize decides when they turn primary and a layer
// of their own still counts against the limit) — and are left out of the layers. This
// module builds stand-ins for them with the narSize nixpkgs' would have, so the engine,
// which writes neither to the store, plans like nixpkgs. Their hashes are unknowable
// here; they only matter for ties between equal narSizes.
const PLACEHOLDER_HASH = '0'.repeat(32);
/** Length of a NAR string field: 8-byte length, then the bytes padded to 8. */
function narString(length) {
    return 8 + Math.ceil(length / 8) * 8;
}
/** NAR size of a regular, non-executable file of `size` bytes (the node alone). */
function narRegularNode(size) {
    // "(" "type" "regular" "contents" <bytes> ")"
    return narString(1) + narString(4) + narString(7) + narString(8) + narString(size) + narString(1);
}
/** NAR size of a store path that is a regular, non-executable file of `size` bytes. */
function narSizeOfFile(size) {
    return narString(13) + narRegularNode(size); // "nix-archive-1"
}
/** NAR size of a store path that is a directory of regular files ({name: size}). */
function narSizeOfDirectory(files) {
    // "(" "type" "directory" { "entry" "(" "name" <name> "node" <node> ")" }* ")"
    let size = narString(13) + narString(1) + narString(4) + narString(9) + narString(1);
    for (const [name, bytes] of Object.entries(files)) {
        size += narString(5) + narString(1) + narString(4) + narString(Buffer.byteLength(name)) + narString(4);
        size += narRegularNode(bytes) + narString(1);
    }
    return size;
}
/** The graph additions, roots and exclusions that make planLayers see what nixpkgs' layering sees. */
function nixpkgsImageRoots(input) {
    const storeDir = (input.storeDir ?? '/nix/store').replace(/\/+$/, '');
    const baseName = input.name.slice(input.name.lastIndexOf('/') + 1);
    const baseJson = `${storeDir}/${PLACEHOLDER_HASH}-${baseName}-base.json`;
    const custom = `${storeDir}/${PLACEHOLDER_HASH}-${baseName}-customisation-layer`;
    const nodes = [
        { path: baseJson, narSize: narSizeOfFile(input.baseJsonSize), references: [...input.configReferences] },
        {
            path: custom,
            // `sha256sum | cut -f 1 -d ' '`: 64 hex digits and a newline.
            narSize: narSizeOfDirectory({ checksum: 65, 'layer.tar': input.customisationTarSize }),
            references: [...input.customisationReferences],
        },
    ];
    const roots = [baseJson, custom];
    return { nodes, roots, exclude: [...roots] };
}

;// CONCATENATED MODULE: ./lib/layering/index.js
// Layer planning: which store paths share a layer, as nixpkgs' streamLayeredImage
// decides it. Pure: data in, data out. See README.md beside this file.






;// CONCATENATED MODULE: ./lib/nix/errors.js
// Errors of the Nix adapter. Small classes that set `name`, so callers can tell
// "Nix is missing" (an install problem) from "a Nix command failed" (a build problem)
// from "the image would refer to paths the store does not hold" (a spec problem).
/** The Nix command-line tools are not on PATH. */
class NixNotFoundError extends Error {
    name = 'NixNotFoundError';
    command;
    constructor(command) {
        super(`Nix is not installed: \`${command}\` was not found on PATH. Install Nix before this step ` +
            '(e.g. cachix/install-nix-action or DeterminateSystems/nix-installer-action; see https://nixos.org/download).');
        this.command = command;
    }
}
/** A Nix command exited with an error; the message carries the command line and its stderr tail. */
class NixCommandError extends Error {
    name = 'NixCommandError';
    command;
    exitCode;
    stderrTail;
    constructor(command, exitCode, signal, stderrTail) {
        const how = signal ? `was killed by ${signal}` : `failed with exit code ${exitCode}`;
        super(`\`${command}\` ${how}${stderrTail ? `:\n${stderrTail}` : ''}`);
        this.command = command;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
    }
}
/** Something the user named is not (or cannot become) a valid store path. */
class NixPathError extends Error {
    name = 'NixPathError';
    /** The offending items or store paths, as given. */
    paths;
    constructor(message, paths) {
        super(message);
        this.paths = paths;
    }
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./lib/nix/exec.js
// The one place that starts Nix processes: no shell, stdout collected as data, stderr
// streamed line by line to the caller (build logs) and its tail kept for the error.


const TAIL_LINES = 25;
const TAIL_CHARS = 4000;
/** Runs `command args...` and resolves with its stdout; rejects with NixNotFoundError or NixCommandError. */
function run(command, args, opts = {}) {
    const display = [command, ...args].map(quoteForDisplay).join(' ');
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)(command, args, {
            cwd: opts.cwd,
            env: exec_mergeEnv(opts.env),
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        const out = [];
        const tail = [];
        let partial = '';
        const takeLine = (line) => {
            tail.push(line);
            if (tail.length > TAIL_LINES)
                tail.shift();
            opts.onStderrLine?.(line);
        };
        child.stdout.on('data', (b) => out.push(b));
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (s) => {
            const lines = (partial + s).split('\n');
            partial = lines.pop() ?? '';
            for (const l of lines)
                takeLine(l);
        });
        child.on('error', (err) => {
            reject(err.code === 'ENOENT' ? new NixNotFoundError(command) : err);
        });
        child.on('close', (code, signal) => {
            if (partial)
                takeLine(partial);
            if (code === 0)
                return resolve(Buffer.concat(out).toString('utf8'));
            let text = tail.join('\n').trim();
            if (text.length > TAIL_CHARS)
                text = `…${text.slice(-TAIL_CHARS)}`;
            reject(new NixCommandError(display, code, signal, text));
        });
        // EPIPE when the child exits early shows up as its exit status instead.
        child.stdin.on('error', () => { });
        child.stdin.end(opts.input ?? '');
    });
}
/** Non-empty lines of a command's stdout. */
function lines(stdout) {
    return stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
}
function exec_mergeEnv(extra) {
    const env = { ...process.env };
    for (const [k, v] of Object.entries(extra ?? {})) {
        if (v === undefined)
            delete env[k];
        else
            env[k] = v;
    }
    return env;
}
function quoteForDisplay(arg) {
    return /^[\w@%+=:,./#^-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

;// CONCATENATED MODULE: ./lib/nix/storePath.js
// Store path syntax, with no I/O: recognising `<storeDir>/<hash>-<name>`, cutting a
// path below a store path back to the store path, and finding every store path a JSON
// value mentions (what Nix's string context gives dockerTools for the image config).
/** Nix's base-32 alphabet (no e, o, t, u); a store path hash is 32 of these. */
const HASH = '[0-9a-df-np-sv-z]{32}';
/** Characters Nix allows in a store path name. */
const NAME = "[A-Za-z0-9+\\-._?=]+";
function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/** Matches store paths anywhere in a string (global). */
function storePathPattern(storeDir) {
    return new RegExp(`${escapeRegExp(storeDir)}/${HASH}-${NAME}`, 'g');
}
/**
 * The store path that `path` is, or lies below (`/nix/store/x-hello/bin/hello` →
 * `/nix/store/x-hello`); undefined when `path` is not inside the store.
 */
function toStorePath(path, storeDir) {
    if (!path.startsWith(`${storeDir}/`))
        return undefined;
    const base = path.slice(storeDir.length + 1).split('/')[0] ?? '';
    if (!new RegExp(`^${HASH}-${NAME}$`).test(base) || base.startsWith('.'))
        return undefined;
    return `${storeDir}/${base}`;
}
function isStorePath(path, storeDir) {
    return toStorePath(path, storeDir) === path;
}
/** A store path or a base name (`<hash>-<name>`, as newer Nix prints them) as an absolute store path. */
function absoluteStorePath(pathOrBase, storeDir) {
    return pathOrBase.startsWith('/') ? pathOrBase : `${storeDir}/${pathOrBase}`;
}
/**
 * Every store path mentioned in any string inside `value` (array items, object values and
 * object keys, at any depth), each cut at its first `/` below the store path. Unique, in
 * order of first mention. Pure: whether the paths are valid is `requireValidPaths`' job.
 */
function storePathsInValue(value, storeDir) {
    const pattern = storePathPattern(storeDir);
    const found = new Set();
    const scan = (s) => {
        for (const m of s.matchAll(pattern))
            found.add(m[0]);
    };
    const walk = (v) => {
        if (typeof v === 'string')
            scan(v);
        else if (Array.isArray(v))
            v.forEach(walk);
        else if (v !== null && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
                scan(k);
                walk(x);
            }
        }
    };
    walk(value);
    return [...found];
}
/** Unique values in first-seen order. */
function unique(items) {
    return [...new Set(items)];
}

;// CONCATENATED MODULE: ./lib/nix/version.js
// Which Nix runs here, and where its store lives. Both are asked once per process (per
// PATH, so a test that hides Nix gets a fresh answer) and shared by the other modules.


const DEFAULT_STORE_DIR = '/nix/store';
/**
 * The new CLI (`nix build`, `nix path-info`) is still "experimental" in most releases;
 * naming the features is harmless where they are already on.
 */
const NIX_COMMAND = ['--extra-experimental-features', 'nix-command'];
const NIX_COMMAND_FLAKES = ['--extra-experimental-features', 'nix-command flakes'];
const versions = new Map();
const storeDirs = new Map();
/** The running Nix's version (from `nix --version`). */
function nixVersion() {
    const key = process.env.PATH ?? '';
    let v = versions.get(key);
    if (!v) {
        v = run('nix', ['--version']).then(parseNixVersion);
        v.catch(() => versions.delete(key));
        versions.set(key, v);
    }
    return v;
}
/** Parses `nix --version` output: the last `x.y[.z]` in the first line is Nix's own version. */
function parseNixVersion(output) {
    const text = output.trim().split('\n')[0] ?? '';
    const all = [...text.matchAll(/(\d+)\.(\d+)(?:\.(\d+))?/g)];
    const m = all.at(-1);
    if (!m)
        throw new Error(`cannot read the Nix version from \`nix --version\`: ${JSON.stringify(text)}`);
    return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text };
}
function versionAtLeast(v, major, minor) {
    return v.major > major || (v.major === major && v.minor >= minor);
}
/**
 * The store directory of the running Nix (`builtins.storeDir`), `/nix/store` unless the
 * installation says otherwise. A missing Nix is an error; any other failure to evaluate
 * falls back to the default.
 */
function storeDir() {
    const key = process.env.PATH ?? '';
    let d = storeDirs.get(key);
    if (!d) {
        d = run('nix-instantiate', ['--eval', '--json', '-E', 'builtins.storeDir']).then((out) => parseStoreDir(out), (err) => {
            if (err instanceof NixNotFoundError)
                throw err;
            return DEFAULT_STORE_DIR;
        });
        d.catch(() => storeDirs.delete(key));
        storeDirs.set(key, d);
    }
    return d;
}
function parseStoreDir(output) {
    const value = JSON.parse(output);
    if (typeof value !== 'string' || !value.startsWith('/')) {
        throw new Error(`unexpected builtins.storeDir: ${output.trim()}`);
    }
    return value.replace(/\/+$/, '');
}

;// CONCATENATED MODULE: ./lib/nix/validity.js
// Which store paths the local store holds as valid (registered, complete), and the
// image-config check built on it: a config that names a path the image will not carry
// describes a container that cannot run, so it is an error, not a warning.




/** Argument lists are split so no command line grows past a few hundred KiB. */
const BATCH = 2000;
/** The given store paths that are not valid in the local store (in input order). */
async function invalidPaths(paths) {
    const todo = unique(paths);
    const invalid = [];
    for (let i = 0; i < todo.length; i += BATCH) {
        const out = await run('nix-store', ['--check-validity', '--print-invalid', ...todo.slice(i, i + BATCH)]);
        invalid.push(...lines(out));
    }
    const bad = new Set(invalid);
    return todo.filter((p) => bad.has(p));
}
/**
 * Throws a NixPathError naming every path of `paths` that is not valid. The message reads
 * "`what` refers to ... not valid in the local Nix store: <paths>. `consequence`".
 */
async function requireValidPaths(paths, what, consequence = 'Build or fetch them first.') {
    const invalid = await invalidPaths(paths);
    if (invalid.length === 0)
        return;
    const one = invalid.length === 1;
    throw new NixPathError(`${what} refers to ${one ? 'a store path that is' : 'store paths that are'} not valid in the local Nix ` +
        `store: ${invalid.join(', ')}. ${consequence}`, invalid);
}
/**
 * The store paths a JSON value (an image config: Cmd, Entrypoint, Env, ...) refers to,
 * as dockerTools takes them from the string context of the config: unique, in order of
 * first mention, every one valid in the local store (else a NixPathError naming them).
 */
async function storePathsInConfig(value, what = 'the image config', dir) {
    const paths = storePathsInValue(value, dir ?? (await storeDir()));
    await requireValidPaths(paths, what, 'The image would not contain them and could not run: build them first, or take them out of the config.');
    return paths;
}
/** `paths` cut back to their store paths; throws a NixPathError for any path outside the store. */
function topStorePaths(paths, dir, what) {
    const outside = paths.filter((p) => toStorePath(p, dir) === undefined);
    if (outside.length > 0) {
        throw new NixPathError(`${what}: not inside the Nix store (${dir}): ${outside.join(', ')}`, outside);
    }
    return unique(paths.map((p) => toStorePath(p, dir)));
}

;// CONCATENATED MODULE: ./lib/nix/closure.js
// The closure graph (every path reachable from the roots, with its NAR size and
// references), from `nix path-info --json --recursive`. Its output changed shape over
// the releases; `parsePathInfoJson` takes all of them:
//
//   Nix < 2.19     [{path, narSize, references: [full paths], ...}, ...]
//   2.19 - 2.32    {"<full path>": {narSize, references: [full paths], ...} | null}
//   2.33+          `--json-format 1` as 2.19 (the default, with a deprecation warning);
//                  `--json-format 2|3`: {version, storeDir, info: {"<base name>": {...,
//                  references: [base names]} | null}}
//
// We ask 2.33+ for format 1 explicitly (no warning, and it keeps working once the flag
// becomes required); base names are handled anyway, for whatever comes next.





/**
 * The full closure of `roots` (store paths, or paths below them), sorted by path. Every
 * node's references are absolute store paths, sorted, and may include the node itself.
 */
async function closureGraph(roots) {
    const dir = await storeDir();
    const top = topStorePaths(roots, dir, 'closure roots');
    if (top.length === 0)
        return [];
    // Asked first: `path-info -r` on an invalid path tries to substitute it, then fails
    // with a message that differs between releases.
    await requireValidPaths(top, 'the requested closure');
    const format = pathInfoFormatArgs(await nixVersion());
    const out = await run('nix', [...NIX_COMMAND, 'path-info', '--json', ...format, '--recursive', ...top]);
    const nodes = parsePathInfoJson(out, dir);
    const have = new Set(nodes.map((n) => n.path));
    const missing = top.filter((p) => !have.has(p));
    if (missing.length > 0)
        throw new NixPathError(`not valid in the local Nix store: ${missing.join(', ')}`, missing);
    return nodes;
}
/** `--json-format 1` for Nix 2.33+, which deprecates `--json` without it; older Nix rejects the flag. */
function pathInfoFormatArgs(version) {
    // Lix numbers its releases 2.9x but forked before the flag existed.
    return versionAtLeast(version, 2, 33) && !/\bLix\b/.test(version.text) ? ['--json-format', '1'] : [];
}
/** Parses any `nix path-info --json` shape (see the top of this file) into sorted StoreNodes. */
function parsePathInfoJson(text, fallbackStoreDir) {
    const value = JSON.parse(text);
    let entries;
    let dir = fallbackStoreDir;
    if (Array.isArray(value)) {
        entries = value.map((info) => [stringField(info, 'path') ?? '', info]);
    }
    else if (isObject(value) && isObject(value.info) && typeof value.version === 'number') {
        if (typeof value.storeDir === 'string')
            dir = value.storeDir;
        entries = Object.entries(value.info);
    }
    else if (isObject(value)) {
        entries = Object.entries(value);
    }
    else {
        throw new Error(`unexpected \`nix path-info --json\` output: ${text.slice(0, 200)}`);
    }
    const nodes = [];
    const invalid = [];
    for (const [key, info] of entries) {
        const localDir = stringField(info, 'storeDir') ?? dir;
        const p = absoluteStorePath(key, localDir);
        if (info === null || (isObject(info) && info.valid === false)) {
            invalid.push(p);
            continue;
        }
        if (!isObject(info) || typeof info.narSize !== 'number' || !Array.isArray(info.references)) {
            throw new Error(`\`nix path-info --json\`: no narSize/references for ${p}`);
        }
        if (toStorePath(p, localDir) !== p)
            throw new Error(`\`nix path-info --json\`: not a store path: ${key}`);
        const references = info.references.map((r) => {
            if (typeof r !== 'string')
                throw new Error(`\`nix path-info --json\`: bad reference of ${p}`);
            return absoluteStorePath(r, localDir);
        });
        nodes.push({ path: p, narSize: info.narSize, references: [...new Set(references)].sort() });
    }
    if (invalid.length > 0)
        throw new NixPathError(`not valid in the local Nix store: ${invalid.join(', ')}`, invalid);
    return nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function stringField(v, key) {
    return isObject(v) && typeof v[key] === 'string' ? v[key] : undefined;
}

;// CONCATENATED MODULE: ./lib/nix/installable.js
// What a user may name as image contents or a config reference, and how we tell the
// kinds apart. Pure: reading links on disk is `followIntoStore`'s job (realise.ts).
//
//   /nix/store/<hash>-hello            a store path (realised if not yet valid)
//   /nix/store/<hash>-hello/bin/hello  a path below one: its store path, the rest kept
//   /nix/store/<hash>-hello.drv        a derivation: built, its outputs taken
//   ./result, /abs/link, result/bin/x  a local path whose symlinks lead into the store
//   file.nix, ./dir/file.nix#attr.path a Nix file (nix-build FILE [-A ATTR])
//   .#pkg, nixpkgs#hello, github:o/r   a flake installable (nix build): anything with
//   drv^out, /nix/store/x.drv^*        `#` or `^`, or a URL-like `scheme:` prefix
//
// Order matters: store paths first, then `.nix` files (so `./a.nix#x` is a file with an
// attribute, not a flake), then flake syntax, then local paths.


const NIX_FILE = /^(?<file>[^#]*\.nix)(?:#(?<attr>.*))?$/;
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:/;
function parseInstallable(item, storeDir) {
    const s = item.trim();
    if (s === '')
        throw new NixPathError('an empty string is not a store path or installable', [item]);
    if (!/[#^]/.test(s)) {
        const storePath = toStorePath(s, storeDir);
        if (storePath !== undefined) {
            const path = s.replace(/\/+$/, '');
            if (path === storePath && storePath.endsWith('.drv'))
                return { kind: 'drv', item, drvPath: storePath };
            return { kind: 'store', item, path, storePath };
        }
    }
    const nixFile = NIX_FILE.exec(s);
    if (nixFile?.groups && !URL_LIKE.test(s)) {
        const attr = nixFile.groups.attr;
        return { kind: 'nixFile', item, file: nixFile.groups.file, attr: attr === '' ? undefined : attr };
    }
    if (/[#^]/.test(s) || URL_LIKE.test(s))
        return { kind: 'flake', item, ref: s };
    return { kind: 'local', item, path: s };
}

;// CONCATENATED MODULE: external "node:sqlite"
const external_node_sqlite_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");
;// CONCATENATED MODULE: ./lib/nix/registration.js
// The validity-registration text that `nix-store --dump-db` prints and `nix-store
// --load-db` reads (also closureInfo's `registration` file in nixpkgs). Per path:
//
//   <store path>\n<NAR hash>\n<NAR size>\n<deriver or empty>\n<n>\n<n reference lines>
//
// Pure: parsing and printing only.
function parseRegistration(text) {
    const ls = text.split('\n');
    if (ls.at(-1) === '')
        ls.pop();
    const entries = [];
    let i = 0;
    const next = (what) => {
        const l = ls[i++];
        if (l === undefined)
            throw new Error(`truncated Nix registration: expected ${what} at line ${i}`);
        return l;
    };
    while (i < ls.length) {
        const path = next('a store path');
        const narHash = next('a NAR hash');
        const narSize = Number(next('a NAR size'));
        const deriver = next('a deriver');
        const count = Number(next('a reference count'));
        if (!path.startsWith('/') || !Number.isSafeInteger(narSize) || !Number.isSafeInteger(count)) {
            throw new Error(`malformed Nix registration entry for ${JSON.stringify(path)}`);
        }
        const references = [];
        for (let k = 0; k < count; k++)
            references.push(next('a reference'));
        entries.push({ path, narHash, narSize, deriver, references });
    }
    return entries;
}
function formatRegistration(entries) {
    return entries
        .map((e) => [e.path, e.narHash, String(e.narSize), e.deriver, String(e.references.length), ...e.references]
        .map((l) => `${l}\n`)
        .join(''))
        .join('');
}

;// CONCATENATED MODULE: ./lib/nix/nixDb.js
// `includeNixDB`: a Nix database under `<destRoot>/nix/var/nix/` that registers exactly
// the image's closure, so `nix-store --verify` / `nix path-info` inside the image see
// its store paths as valid. What nixpkgs' `mkDbExtraCommand` does in the customisation
// layer, step for step:
//
//   NIX_REMOTE=local?root=$PWD USER=nobody nix-store --load-db < closureInfo/registration
//   ln -s <each content> nix/var/nix/gcroots/docker/<its base name>
//
// plus the reproducibility fix recent nixpkgs code carries (copies of mkDbExtraCommand,
// NixOS image builders):
//   sqlite3 nix/var/nix/db/db.sqlite "UPDATE ValidPaths SET registrationTime = $SOURCE_DATE_EPOCH"
//
// The registration is closureInfo's: the host's `nix-store --dump-db` entries with the
// deriver left empty, in path order. The local Nix writes the database, so its schema is
// whatever that Nix writes (Nix 2.8 and current Nix both use schema 10).
//
// Then, so the layer depends only on the closure (not on who ran the build, or where):
//   - db/reserved goes: an 8 MiB placeholder Nix re-creates when it opens the store;
//   - profiles/per-user/<user> and gcroots/per-user/<user> (named after the builder) go;
//   - symlinks Nix pointed at the temporary root (gcroots/profiles) point at /nix/...;
//   - nix/store gets mode 0755 (Nix running as root makes it 1775, group nixbld);
//   - the WAL is checkpointed into db.sqlite.









const NIX_DB_REGISTRATION_TIME = 315532800;
/** Where writeNixDb puts the database below `destRoot`. */
function nixDbPath(destRoot) {
    return external_node_path_namespaceObject.join(external_node_path_namespaceObject.resolve(destRoot), 'nix/var/nix/db/db.sqlite');
}
/**
 * Writes `<destRoot>/nix/var/nix/...` registering exactly `closure` (store paths or paths
 * below them; it must be closed under references, else a NixPathError names what is missing).
 */
async function writeNixDb(closure, destRoot, opts = {}) {
    const dir = await storeDir();
    const root = external_node_path_namespaceObject.resolve(destRoot);
    if (/[?&#%\s]/.test(root))
        throw new Error(`writeNixDb: unsupported characters in the destination ${root}`);
    const stateDir = external_node_path_namespaceObject.join(root, 'nix/var/nix');
    const dbPath = nixDbPath(root);
    if (await exists(dbPath))
        throw new Error(`writeNixDb: ${dbPath} already exists`);
    const paths = topStorePaths(closure, dir, 'Nix database closure').sort();
    const entries = await dumpDb(paths);
    const inClosure = new Set(paths);
    for (const e of entries) {
        const outside = e.references.filter((r) => !inClosure.has(r));
        if (outside.length > 0) {
            throw new NixPathError(`writeNixDb: the closure is incomplete: ${e.path} refers to ${outside.join(', ')}, which it does not list`, outside);
        }
    }
    const roots = unique(opts.gcRoots ?? []);
    const strays = roots.filter((r) => !inClosure.has(toStorePath(r, dir) ?? ''));
    if (strays.length > 0) {
        throw new NixPathError(`writeNixDb: GC roots outside the closure: ${strays.join(', ')}`, strays);
    }
    await promises_namespaceObject.mkdir(root, { recursive: true });
    await run('nix-store', ['--load-db'], {
        input: formatRegistration(entries.map((e) => ({ ...e, deriver: '' }))),
        env: { NIX_REMOTE: `local?root=${root}`, USER: process.env.USER || 'nobody' },
    });
    setRegistrationTime(dbPath, opts.registrationTime ?? NIX_DB_REGISTRATION_TIME);
    await normalise(root, stateDir, dir);
    if (roots.length > 0) {
        const gcDir = external_node_path_namespaceObject.join(stateDir, 'gcroots/docker');
        await promises_namespaceObject.mkdir(gcDir, { recursive: true });
        for (const r of roots)
            await promises_namespaceObject.symlink(r, external_node_path_namespaceObject.join(gcDir, external_node_path_namespaceObject.basename(r)));
    }
}
/** The host store's registration of `paths` (argument lists split to stay far below ARG_MAX). */
async function dumpDb(paths) {
    const entries = [];
    for (let i = 0; i < paths.length; i += 2000) {
        entries.push(...parseRegistration(await run('nix-store', ['--dump-db', ...paths.slice(i, i + 2000)])));
    }
    return entries;
}
function setRegistrationTime(dbPath, time) {
    const db = new external_node_sqlite_namespaceObject.DatabaseSync(dbPath);
    try {
        db.prepare('UPDATE ValidPaths SET registrationTime = ?').run(time);
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    }
    finally {
        db.close();
    }
}
async function normalise(root, stateDir, dir) {
    const dbDir = external_node_path_namespaceObject.join(stateDir, 'db');
    for (const f of ['reserved', 'db.sqlite-wal', 'db.sqlite-shm'])
        await promises_namespaceObject.rm(external_node_path_namespaceObject.join(dbDir, f), { force: true });
    for (const d of ['profiles/per-user', 'gcroots/per-user']) {
        const perUser = external_node_path_namespaceObject.join(stateDir, d);
        for (const name of await promises_namespaceObject.readdir(perUser).catch(() => [])) {
            await promises_namespaceObject.rm(external_node_path_namespaceObject.join(perUser, name), { recursive: true, force: true });
        }
    }
    await retargetLinks(external_node_path_namespaceObject.join(root, 'nix/var'), root);
    await promises_namespaceObject.chmod(external_node_path_namespaceObject.join(root, dir.replace(/^\/+/, '')), 0o755).catch(() => { });
}
/** Symlinks below `top` that point into `root` are made to point at the same place inside the image. */
async function retargetLinks(top, root) {
    for (const entry of await promises_namespaceObject.readdir(top, { withFileTypes: true, recursive: true })) {
        if (!entry.isSymbolicLink())
            continue;
        const link = external_node_path_namespaceObject.join(entry.parentPath, entry.name);
        const target = await promises_namespaceObject.readlink(link);
        if (target === root || target.startsWith(`${root}/`)) {
            await promises_namespaceObject.rm(link);
            await promises_namespaceObject.symlink(`/${external_node_path_namespaceObject.relative(root, target)}`, link);
        }
    }
}
async function exists(p) {
    return promises_namespaceObject.access(p).then(() => true, () => false);
}

;// CONCATENATED MODULE: ./lib/nix/realise.js
// Turning what the user named (see installable.ts for the syntax) into valid store paths,
// building or substituting what is not there yet.
//
// A path below a store path (`/nix/store/x-hello/bin/hello`, or `./result/bin/hello`)
// stands for its store path wherever closures are concerned, so `realise` returns
// `/nix/store/x-hello`; `realiseDetailed` also keeps the location itself (`paths`) for
// callers that place the named file rather than the whole store path.
//
// Commands used, the same in Nix 2.8 and current Nix:
//   store paths   nix-store --check-validity --print-invalid, then nix-store --realise
//                 for the invalid ones (substitution; fails when nothing provides them)
//   .drv          nix-store --realise DRV         (prints the outputs)
//   file.nix      nix-build --no-out-link FILE [-A ATTR]
//   flake refs    nix build --no-link --json REF  (2.8 has no --print-out-paths; the
//                 JSON is [{drvPath, outputs: {name: path}}] or, for opaque paths,
//                 {path} in old Nix and a bare string in new Nix)








/** Realises every item and returns the store paths, unique, in order. */
async function realise(items, log, opts = {}) {
    const done = await realiseDetailed(items, log, opts);
    return unique(done.flatMap((r) => r.storePaths));
}
/** Realises every item; one result per item, in order. */
async function realiseDetailed(items, log, opts = {}) {
    // Through a function: ncc's asset relocator would otherwise read `process.cwd()` as
    // the build directory and copy it into the bundle.
    const cwd = opts.cwd ?? workingDirectory();
    const dir = await storeDir();
    const parsed = [];
    for (const item of items) {
        const p = parseInstallable(item, dir);
        parsed.push(p.kind === 'local' ? await localToStore(p.item, p.path, dir, cwd) : p);
    }
    await ensureValid(parsed.flatMap((p) => (p.kind === 'store' ? [p.storePath] : [])), log);
    const results = [];
    for (const p of parsed) {
        switch (p.kind) {
            case 'store':
                results.push({ item: p.item, storePaths: [p.storePath], paths: [p.path] });
                break;
            case 'drv':
                results.push(outputs(p.item, await build(log, p.item, 'nix-store', ['--realise', p.drvPath]), dir));
                break;
            case 'nixFile': {
                const args = ['--no-out-link', external_node_path_namespaceObject.resolve(cwd, p.file), ...(p.attr === undefined ? [] : ['-A', p.attr])];
                results.push(outputs(p.item, await build(log, p.item, 'nix-build', args, cwd), dir));
                break;
            }
            case 'flake': {
                const args = [...NIX_COMMAND_FLAKES, 'build', '--no-link', '--json', p.ref];
                const out = await build(log, p.item, 'nix', args, cwd);
                results.push(outputs(p.item, parseBuildJson(out, dir).join('\n'), dir));
                break;
            }
            case 'local':
                throw new Error('unreachable: local paths are resolved above');
        }
    }
    return results;
}
/** Runs a build command, forwarding its log; a failure names the item it was building. */
async function build(log, item, cmd, args, cwd) {
    log.info(`realising ${item}`);
    try {
        return await run(cmd, args, { cwd, onStderrLine: (l) => log.info(l) });
    }
    catch (err) {
        if (err instanceof NixCommandError)
            err.message = `cannot realise ${item}: ${err.message}`;
        throw err;
    }
}
function outputs(item, stdout, dir) {
    const storePaths = unique(lines(stdout).map((l) => absoluteStorePath(l, dir)));
    const bad = storePaths.filter((p) => toStorePath(p, dir) !== p);
    if (storePaths.length === 0 || bad.length > 0) {
        const shown = JSON.stringify(stdout.slice(0, 200));
        throw new NixPathError(`${item}: the build printed no store paths (${shown})`, [item]);
    }
    return { item, storePaths, paths: storePaths };
}
/** Substitutes the store paths that are not valid yet; an error names those that stay invalid. */
async function ensureValid(storePaths, log) {
    const invalid = await invalidPaths(storePaths);
    if (invalid.length === 0)
        return;
    log.info(`fetching ${invalid.length} store path(s) that are not valid locally`);
    try {
        await run('nix-store', ['--realise', ...invalid], { onStderrLine: (l) => log.info(l) });
    }
    catch (err) {
        if (!(err instanceof NixCommandError))
            throw err;
        throw new NixPathError(`not valid in the local Nix store and could not be substituted: ${invalid.join(', ')}\n${err.stderrTail}`, invalid);
    }
}
/**
 * `nix build --json` output → output paths. Entries are {drvPath, outputs} for builds;
 * opaque store paths are {path} (Nix 2.8) or a bare string (newer Nix).
 */
function parseBuildJson(stdout, dir) {
    const value = JSON.parse(stdout);
    if (!Array.isArray(value))
        throw new Error(`unexpected \`nix build --json\` output: ${stdout.slice(0, 200)}`);
    const paths = [];
    for (const entry of value) {
        if (typeof entry === 'string')
            paths.push(entry);
        else if (entry && typeof entry === 'object') {
            const e = entry;
            if (typeof e.path === 'string')
                paths.push(e.path);
            if (e.outputs && typeof e.outputs === 'object') {
                for (const out of Object.values(e.outputs))
                    if (typeof out === 'string')
                        paths.push(out);
            }
        }
    }
    return paths.map((p) => absoluteStorePath(p, dir));
}
/** A local path (`./result`, `result/bin/hello`) followed link by link until it enters the store. */
async function localToStore(item, local, dir, cwd) {
    const inStore = await followIntoStore(external_node_path_namespaceObject.resolve(cwd, local), dir);
    if (inStore === undefined) {
        throw new NixPathError(`${item}: not a store path, a link into the store (like ./result), a file.nix[#attr] or a flake ` +
            'reference (<flake>#<attr>)', [item]);
    }
    return { kind: 'store', item, path: inStore, storePath: toStorePath(inStore, dir) };
}
/**
 * Resolves symlinks one component at a time and stops as soon as the path is inside the
 * store, so a link to a store path that is itself a symlink names that store path, not
 * its target. Undefined when the path never enters the store.
 */
async function followIntoStore(start, dir) {
    let current = start;
    for (let hops = 0; hops < 64; hops++) {
        if (toStorePath(current, dir) !== undefined)
            return current;
        const parts = current.split('/').filter((c) => c !== '');
        let prefix = '';
        let next;
        for (let i = 0; i < parts.length && next === undefined; i++) {
            prefix += `/${parts[i]}`;
            const rest = parts.slice(i + 1);
            if (toStorePath(prefix, dir) !== undefined)
                return external_node_path_namespaceObject.join(prefix, ...rest);
            let st;
            try {
                st = await promises_namespaceObject.lstat(prefix);
            }
            catch (err) {
                if (err.code === 'ENOENT')
                    return undefined;
                throw err;
            }
            if (st.isSymbolicLink())
                next = resolveFrom(external_node_path_namespaceObject.dirname(prefix), await promises_namespaceObject.readlink(prefix), ...rest);
        }
        if (next === undefined)
            return undefined;
        current = next;
    }
    throw new NixPathError(`${start}: too many levels of symbolic links`, [start]);
}
function workingDirectory() {
    return process.cwd();
}
/** path.resolve behind a parameter, for the same reason as workingDirectory(). */
function resolveFrom(dir, ...parts) {
    return external_node_path_namespaceObject.resolve(dir, ...parts);
}

;// CONCATENATED MODULE: ./lib/nix/index.js
// The Nix adapter: the engine's only door to Nix. It runs the Nix command-line tools
// (no shell, no library bindings) and works with Nix 2.8 as well as current Nix; where
// their output differs, the parser takes every shape (see closure.ts, realise.ts).
//
//   realise         what the user names → valid store paths (builds, substitutes)
//   closureGraph    roots → every reachable path with narSize and references
//   storePathsIn*   the store paths an image config mentions (and that they are valid)
//   writeNixDb      includeNixDB: nix/var/nix/db registering exactly a closure
//   storeDir, nixVersion
//
// Errors: NixNotFoundError (install Nix), NixCommandError (a command failed: its command
// line and stderr tail), NixPathError (a named path is not, or cannot become, valid).









;// CONCATENATED MODULE: ./lib/custom/errors.js
/** The customisation layer could not be built; the message says which step and why. */
class CustomisationError extends Error {
    name = 'CustomisationError';
}
/** A user script (extraCommands, fakeRootCommands) exited non-zero. */
class ScriptError extends CustomisationError {
    name = 'ScriptError';
    script;
    exitCode;
    signal;
    /** The last lines the script wrote to stderr. */
    stderrTail;
    constructor(script, exitCode, signal, stderrTail) {
        const how = exitCode !== null ? `exit code ${exitCode}` : `signal ${signal ?? '?'}`;
        const tail = stderrTail.length > 0 ? `:\n${stderrTail.map((l) => `  ${l}`).join('\n')}` : '';
        super(`${script} failed with ${how}${tail}`);
        this.script = script;
        this.exitCode = exitCode;
        this.signal = signal;
        this.stderrTail = stderrTail;
    }
}

;// CONCATENATED MODULE: ./lib/custom/devices.js
// Device nodes that fakeroot faked. `mknod` under fakeroot leaves an empty
// regular file on disk and records the node in the daemon, so GNU tar run
// inside fakeroot writes a char/block member. planDirectoryTar reads types
// from the disk, so its member for such a path is an empty file; a GNU
// header for an empty file and one for a device differ only in the type
// flag, the devmajor/devminor fields (NUL-filled for files, "%07o\0" for
// devices) and the checksum, and take the same blocks. This rewrites those
// header blocks as the stream passes; the archive's size does not change.

const devices_BLOCK = 512;
function octalField(value, width) {
    const digits = value.toString(8);
    if (digits.length > width - 1)
        throw new CustomisationError(`device number ${value} does not fit a tar header`);
    return Buffer.from(`${digits.padStart(width - 1, '0')}\0`, 'latin1');
}
function readSize(block) {
    const field = block.subarray(124, 136);
    if (field[0] & 0x80) {
        let n = 0n;
        for (let i = 1; i < field.length; i++)
            n = (n << 8n) | BigInt(field[i]);
        return Number(n);
    }
    const text = field.toString('latin1').replace(/[\0 ].*$/s, '');
    return text === '' ? 0 : parseInt(text, 8);
}
function cString(b) {
    const end = b.indexOf(0);
    return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
}
/** Rewrites an empty file's GNU header block in place as the device `dev`. */
function patchDeviceHeader(block, dev) {
    block[156] = dev.type === 'char' ? 0x33 : 0x34;
    octalField(dev.major, 8).copy(block, 329);
    octalField(dev.minor, 8).copy(block, 337);
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < devices_BLOCK; i++)
        sum += block[i];
    Buffer.from(`${sum.toString(8).padStart(6, '0')}\0 `, 'latin1').copy(block, 148);
}
/** `tar` with the members named in `devices` ("./dev/null") turned into device nodes. */
function withDevices(tar, devices) {
    if (devices.size === 0)
        return tar;
    return {
        size: tar.size,
        async *chunks() {
            let carry = Buffer.alloc(0);
            let skip = 0; // content bytes (padded) still to pass before the next header
            let longName = null;
            let done = false;
            for await (const chunk of tar.chunks()) {
                const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
                const buf = carry.length > 0 ? Buffer.concat([carry, view]) : view;
                let pos = 0;
                while (!done && pos < buf.length) {
                    if (skip > 0) {
                        const n = Math.min(skip, buf.length - pos);
                        pos += n;
                        skip -= n;
                        continue;
                    }
                    if (buf.length - pos < devices_BLOCK)
                        break;
                    const block = buf.subarray(pos, pos + devices_BLOCK);
                    if (block.every((b) => b === 0)) {
                        done = true;
                        break;
                    }
                    const type = block[156];
                    const size = readSize(block);
                    const padded = Math.ceil(size / devices_BLOCK) * devices_BLOCK;
                    if (type === 0x4c /* L */) {
                        if (buf.length - pos < devices_BLOCK + padded)
                            break; // wait for the whole name
                        longName = cString(buf.subarray(pos + devices_BLOCK, pos + devices_BLOCK + size));
                        pos += devices_BLOCK + padded;
                        continue;
                    }
                    if (type === 0x4b /* K */) {
                        skip = padded;
                        pos += devices_BLOCK;
                        continue;
                    }
                    const name = longName ?? cString(block.subarray(0, 100));
                    longName = null;
                    const dev = devices.get(name);
                    if (dev !== undefined) {
                        if (type !== 0x30 || size !== 0) {
                            throw new CustomisationError(`${name}: expected an empty file to turn into a device`);
                        }
                        patchDeviceHeader(block, dev);
                    }
                    skip = padded;
                    pos += devices_BLOCK;
                }
                const ready = done ? buf.length : pos;
                carry = buf.subarray(ready);
                if (ready > 0)
                    yield buf.subarray(0, ready);
            }
            if (carry.length > 0)
                yield carry;
        },
    };
}

;// CONCATENATED MODULE: ./lib/custom/run.js
// Child processes of the customisation layer: the user's scripts (streamed to
// the log line by line, failing with their exit code and last stderr lines)
// and small probes whose output we parse.




/** How many trailing stderr lines a ScriptError carries. */
const STDERR_TAIL = 20;
/** Runs a user script to completion; rejects with ScriptError unless it exits 0. */
function runScript(run) {
    return new Promise((resolve, reject) => {
        const [cmd, ...args] = run.argv;
        const child = (0,external_node_child_process_namespaceObject.spawn)(cmd, args, { cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
        const tail = [];
        const lines = (onLine) => {
            let rest = '';
            return {
                push(chunk) {
                    const parts = (rest + chunk.toString('utf8')).split('\n');
                    rest = parts.pop();
                    for (const p of parts)
                        onLine(p);
                },
                end() {
                    if (rest !== '')
                        onLine(rest);
                    rest = '';
                },
            };
        };
        const out = lines((l) => run.log.info(`${run.label}: ${l}`));
        const err = lines((l) => {
            run.log.info(`${run.label}: ${l}`);
            tail.push(l);
            if (tail.length > STDERR_TAIL)
                tail.shift();
        });
        child.stdout.on('data', (c) => out.push(c));
        child.stderr.on('data', (c) => err.push(c));
        child.on('error', (e) => reject(new CustomisationError(`${run.label}: cannot run ${cmd}: ${e.message}`)));
        child.on('close', (code, signal) => {
            out.end();
            err.end();
            if (code === 0)
                resolve();
            else
                reject(new ScriptError(run.label, code, signal, tail));
        });
    });
}
/** Runs a helper and returns its stdout; rejects with its stderr when it fails. */
function capture(argv, env, cwd) {
    return new Promise((resolve, reject) => {
        const [cmd, ...args] = argv;
        const child = (0,external_node_child_process_namespaceObject.spawn)(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        child.stdout.on('data', (c) => out.push(c));
        child.stderr.on('data', (c) => err.push(c));
        child.on('error', (e) => reject(new CustomisationError(`cannot run ${cmd}: ${e.message}`)));
        child.on('close', (code) => {
            if (code === 0)
                resolve(Buffer.concat(out));
            else {
                const msg = Buffer.concat(err).toString('utf8').trim();
                reject(new CustomisationError(`${argv.join(' ')} failed (exit ${code})${msg ? `: ${msg}` : ''}`));
            }
        });
    });
}
/** The absolute path of `name` on `PATH`, or null. */
async function which(name, path) {
    if (name.includes('/'))
        return name;
    for (const dir of (path ?? '').split(external_node_path_namespaceObject.delimiter)) {
        if (dir === '')
            continue;
        const candidate = (0,external_node_path_namespaceObject.join)(dir, name);
        try {
            await (0,promises_namespaceObject.access)(candidate, promises_namespaceObject.constants.X_OK);
            return candidate;
        }
        catch {
            // not here
        }
    }
    return null;
}
async function requireTool(name, path, why) {
    const found = await which(name, path);
    if (found === null)
        throw new CustomisationError(`${why} needs \`${name}\` on PATH`);
    return found;
}

;// CONCATENATED MODULE: ./lib/custom/fakechroot.js
// enableFakechroot: fakeRootCommands run under proot with the layer as `/`.
//
// nixpkgs runs, from the build directory:
//   proot -r $PWD/old_out --bind=/dev/:/dev/! --bind=/proc/:/proc/! \
//     --bind=/sys/:/sys/! --bind=/nix/store/:/nix/store/! \
//     --bind=$out/layer.tar:$out/layer.tar! --pwd=/ fakeroot bash -e -c '...'
// where fakeroot, bash and every tool on PATH are store paths, so the bound
// store makes them work inside. Ours come from the host (/usr/bin, linked
// against /lib/...), which the layer does not have; so, without covering any
// path of the layer:
// - each host PATH directory is bound under HOST_PREFIX and PATH inside is
//   rewritten to those (store directories on PATH stay as they are);
// - the host's ELF interpreter and its library directories (and fakeroot's
//   LD_LIBRARY_PATH directories) are bound at their own paths, which a layer
//   normally lacks (/lib64, /lib/x86_64-linux-gnu, ...); one the layer has is
//   not bound, and a missing interpreter is an error;
// - proot shows a bind's missing parents as "glue" directories that exist
//   only inside; nixpkgs' tar, run inside, therefore records a `./nix/` (mode
//   0755) when the layer has none, and excludes ./dev, ./proc, ./sys and
//   ./nix/store. We create `nix` up front instead, capture from outside, and
//   delete the excluded paths; mount points proot left on disk are removed.




/** Where host PATH directories appear inside the chroot. */
const HOST_PREFIX = '/.nix-docker-host';
/** Paths nixpkgs' tar leaves out of a fakechroot layer (`--exclude=./dev` ...). */
const EXCLUDED = ['dev', 'proc', 'sys', 'nix/store'];
/** PT_INTERP of an ELF file, or null for a static binary or a non-ELF file. */
async function elfInterpreter(file) {
    const b = await (0,promises_namespaceObject.readFile)(file);
    if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46)
        return null;
    const is64 = b[4] === 2;
    const le = b[5] === 1;
    const u16 = (o) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (o) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const phoff = is64 ? u64(0x20) : u32(0x1c);
    const phentsize = u16(is64 ? 0x36 : 0x2a);
    const phnum = u16(is64 ? 0x38 : 0x2c);
    for (let i = 0; i < phnum; i++) {
        const p = phoff + i * phentsize;
        if (u32(p) !== 3)
            continue; // PT_INTERP
        const off = is64 ? u64(p + 0x08) : u32(p + 0x04);
        const size = is64 ? u64(p + 0x20) : u32(p + 0x10);
        return b.subarray(off, off + size).toString('latin1').replace(/\0.*$/s, '');
    }
    return null;
}
async function fakechroot_exists(path) {
    return (0,promises_namespaceObject.lstat)(path).then(() => true, () => false);
}
/**
 * Whether `guestPath` can be bound without covering anything of the layer:
 * it is absent and every existing parent is a real directory.
 */
async function free(layer, guestPath) {
    const parts = guestPath.split('/').filter(Boolean);
    let p = layer;
    for (let i = 0; i < parts.length; i++) {
        p = (0,external_node_path_namespaceObject.join)(p, parts[i]);
        const st = await (0,promises_namespaceObject.lstat)(p).catch(() => null);
        if (st === null)
            return true;
        if (i === parts.length - 1 || !st.isDirectory())
            return false;
    }
    return false;
}
/** Library directories the loader resolves `bin`'s libraries from (`ld.so --list`). */
async function libraryDirs(interp, bin, env) {
    const out = (await capture([interp, '--list', bin], env)).toString('utf8');
    const dirs = new Set();
    for (const line of out.split('\n')) {
        const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s*\(0x/.exec(line);
        if (m !== null)
            dirs.add((0,external_node_path_namespaceObject.dirname)(m[1]));
    }
    return [...dirs];
}
async function planChroot(inp) {
    const binds = [
        ['/dev/', '/dev/'],
        ['/proc/', '/proc/'],
        ['/sys/', '/sys/'],
        [`${inp.storeDir}/`, `${inp.storeDir}/`],
    ];
    const mountPoints = [];
    const bind = (host, guest) => {
        binds.push([host, guest]);
        mountPoints.push(guest);
    };
    const guestPath = [];
    const seen = new Set();
    for (const dir of inp.hostPath.split(external_node_path_namespaceObject.delimiter)) {
        if (!dir.startsWith('/'))
            continue;
        if (dir === inp.storeDir || dir.startsWith(`${inp.storeDir}/`)) {
            guestPath.push(dir);
            continue;
        }
        if (!(await fakechroot_exists(dir)))
            continue;
        const guest = `${HOST_PREFIX}${dir}`;
        if (!seen.has(guest)) {
            seen.add(guest);
            bind(await (0,promises_namespaceObject.realpath)(dir), guest);
        }
        guestPath.push(guest);
    }
    const bashDir = (0,external_node_path_namespaceObject.dirname)(inp.bash);
    if (!seen.has(`${HOST_PREFIX}${bashDir}`))
        bind(await (0,promises_namespaceObject.realpath)(bashDir), `${HOST_PREFIX}${bashDir}`);
    const interp = await elfInterpreter(inp.bash);
    if (interp !== null) {
        if (!(await free(inp.layer, interp))) {
            throw new CustomisationError(`enableFakechroot: the layer has ${interp}, where the host's tools need their loader`);
        }
        bind(await (0,promises_namespaceObject.realpath)(interp), interp);
        const dirs = [
            ...(await libraryDirs(interp, inp.bash, inp.env)),
            ...inp.fakerootLibraryPath.split(external_node_path_namespaceObject.delimiter),
        ];
        for (const dir of new Set(dirs)) {
            if (!dir.startsWith('/') || dir === (0,external_node_path_namespaceObject.dirname)(interp) || !(await fakechroot_exists(dir)))
                continue;
            if (await free(inp.layer, dir))
                bind(await (0,promises_namespaceObject.realpath)(dir), dir);
        }
    }
    return {
        prootArgs: ['-r', inp.layer, ...binds.map(([h, g]) => `--bind=${h}:${g}!`), '--pwd=/'],
        path: guestPath.join(':'),
        bash: `${HOST_PREFIX}${inp.bash}`,
        mountPoints,
    };
}
/** The glue `./nix/` nixpkgs' layer gets: made up front as a real directory. */
async function prepareLayer(layer) {
    const nix = (0,external_node_path_namespaceObject.join)(layer, 'nix');
    if (!(await fakechroot_exists(nix))) {
        await (0,promises_namespaceObject.mkdir)(nix);
        await (0,promises_namespaceObject.chmod)(nix, 0o755);
    }
}
/**
 * After the run: drops what nixpkgs' tar excludes, and the mount points (and
 * their parents) proot may have left on disk, when they are empty and were
 * not there before (`before` = existing mount points before the run).
 */
async function cleanLayer(layer, mountPoints, before) {
    for (const rel of EXCLUDED)
        await (0,promises_namespaceObject.rm)((0,external_node_path_namespaceObject.join)(layer, rel), { recursive: true, force: true });
    for (const guest of mountPoints) {
        let p = guest.replace(/\/+$/, '');
        while (p !== '' && p !== '/' && !before.has(p)) {
            const ok = await (0,promises_namespaceObject.rmdir)((0,external_node_path_namespaceObject.join)(layer, p)).then(() => true, () => false);
            if (!ok) {
                // an empty file proot made for a file bind
                const st = await (0,promises_namespaceObject.lstat)((0,external_node_path_namespaceObject.join)(layer, p)).catch(() => null);
                if (st === null || !(st.isFile() && st.size === 0))
                    break;
                await (0,promises_namespaceObject.rm)((0,external_node_path_namespaceObject.join)(layer, p));
            }
            p = (0,external_node_path_namespaceObject.dirname)(p);
        }
    }
}
/** Which of `paths` (and their parents) exist in the layer now. */
async function existingPaths(layer, paths) {
    const out = new Set();
    for (const guest of paths) {
        let p = guest.replace(/\/+$/, '');
        while (p !== '' && p !== '/') {
            if (await fakechroot_exists((0,external_node_path_namespaceObject.join)(layer, p)))
                out.add(p);
            p = (0,external_node_path_namespaceObject.dirname)(p);
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./lib/custom/fakerootView.js
// What fakeroot recorded, as the layer's tar must show it.
//
// fakeroot intercepts libc calls (LD_PRELOAD) and keeps the faked metadata in
// its daemon, keyed by device and inode. Node's fs does raw statx system
// calls that fakeroot never sees, so instead of asking through libc we read
// the daemon's save file (`fakeroot -s FILE`), one line per inode it knows:
//   dev=<hex>,ino=<dec>,mode=<octal, type bits included>,uid=<dec>,gid=<dec>,nlink=<dec>,rdev=<dec>
// and join it with the tree by (st_dev, st_ino), which Node reports the same
// way (checked against `fakeroot -i FILE stat`). Inside fakeroot a file the
// daemon does not know shows uid 0 and gid 0 with its real mode, so those are
// the defaults; a known file shows the recorded mode, owner and, for
// `mknod`ed nodes (an empty regular file on disk), type and device number.



const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const LINE = /^dev=([0-9a-f]+),ino=(\d+),mode=([0-7]+),uid=(\d+),gid=(\d+),nlink=\d+,rdev=(\d+)$/;
/** Parses a fakeroot save file into (dev:ino) → recorded stat. */
function parseFakerootState(text) {
    const db = new Map();
    for (const line of text.split('\n')) {
        if (line === '')
            continue;
        const m = LINE.exec(line);
        if (m === null)
            throw new CustomisationError(`unexpected line in fakeroot state: ${line}`);
        const key = `${BigInt(`0x${m[1]}`)}:${m[2]}`;
        db.set(key, { mode: parseInt(m[3], 8), uid: Number(m[4]), gid: Number(m[5]), rdev: Number(m[6]) });
    }
    return db;
}
async function readFakerootState(path) {
    return parseFakerootState(await (0,promises_namespaceObject.readFile)(path, 'utf8'));
}
/** Linux's encoding of a device number (glibc's gnu_dev_major/minor). */
function fakerootView_major(rdev) {
    return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}
function fakerootView_minor(rdev) {
    return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}
/**
 * Walks `root` and returns, for every entry fakeroot knows, the owner and
 * permission bits it shows, plus the device nodes it faked. Entries it does
 * not know are left out: they get the defaults (0/0, mode from disk).
 */
function fakerootView(root, db) {
    const view = { owners: new Map(), modes: new Map(), devices: new Map() };
    if (db.size === 0)
        return view;
    const visit = (path, key) => {
        const st = (0,external_node_fs_namespaceObject.lstatSync)(path, { bigint: true });
        const faked = db.get(`${st.dev}:${st.ino}`);
        if (faked !== undefined) {
            view.owners.set(key, { uid: faked.uid, gid: faked.gid });
            view.modes.set(key, faked.mode & 0o7777);
            const type = faked.mode & S_IFMT;
            if ((type === S_IFCHR || type === S_IFBLK) && st.isFile()) {
                view.devices.set(key, {
                    type: type === S_IFCHR ? 'char' : 'block',
                    major: fakerootView_major(faked.rdev),
                    minor: fakerootView_minor(faked.rdev),
                });
            }
        }
        if (st.isDirectory()) {
            for (const name of (0,external_node_fs_namespaceObject.readdirSync)(path, { encoding: 'buffer' })) {
                visit(Buffer.concat([path, Buffer.from('/'), name]), `${key}/${name.toString('utf8')}`);
            }
        }
    };
    visit(Buffer.from(root), '.');
    return view;
}

;// CONCATENATED MODULE: ./lib/custom/storeRefs.js
// The store paths a layer refers to, found the way Nix finds an output's
// references: by looking for the 32-character hash part of candidate store
// paths anywhere in the bytes (here: member names, symlink targets and file
// contents, which is what the layer tar holds). Nix's candidates are the
// build's inputs; ours are the paths present in the store.


const HASH_RUN = /[0-9a-df-np-sv-z]{32,}/g;
const STORE_NAME = /^([0-9a-df-np-sv-z]{32})-[^/]+$/;
const CHUNK = 1 << 20;
/** hash → store path, for the store objects in `storeDir` (no .drv, no lock files). */
async function storeHashes(storeDir) {
    const map = new Map();
    for (const name of await (0,promises_namespaceObject.readdir)(storeDir)) {
        const m = STORE_NAME.exec(name);
        if (m === null || name.endsWith('.drv') || name.endsWith('.lock'))
            continue;
        map.set(m[1], `${storeDir}/${name}`);
    }
    return map;
}
/** Adds to `found` the store paths whose hash occurs in `text`. */
function scan(text, hashes, found) {
    for (const m of text.matchAll(HASH_RUN)) {
        const run = m[0];
        for (let i = 0; i + 32 <= run.length; i++) {
            const path = hashes.get(run.slice(i, i + 32));
            if (path !== undefined)
                found.add(path);
        }
    }
}
async function scanFile(path, hashes, found) {
    const fh = await (0,promises_namespaceObject.open)(path, 'r');
    try {
        const buf = Buffer.alloc(CHUNK + 31);
        let carry = 0;
        for (;;) {
            const { bytesRead } = await fh.read(buf, carry, CHUNK, null);
            if (bytesRead === 0)
                break;
            const end = carry + bytesRead;
            scan(buf.toString('latin1', 0, end), hashes, found);
            carry = Math.min(31, end);
            buf.copy(buf, 0, end - carry, end);
        }
    }
    finally {
        await fh.close();
    }
}
/** Store paths (sorted) that the tree at `root` mentions. */
async function findStoreRefs(root, storeDir) {
    const hashes = await storeHashes(storeDir);
    const found = new Set();
    const visit = async (dir) => {
        for (const name of await (0,promises_namespaceObject.readdir)(dir)) {
            const path = (0,external_node_path_namespaceObject.join)(dir, name);
            scan(name, hashes, found);
            const st = await (0,promises_namespaceObject.lstat)(path);
            if (st.isSymbolicLink())
                scan(await (0,promises_namespaceObject.readlink)(path), hashes, found);
            else if (st.isFile())
                await scanFile(path, hashes, found);
            else if (st.isDirectory())
                await visit(path);
        }
    };
    await visit(root);
    return [...found].sort();
}

;// CONCATENATED MODULE: ./lib/custom/symlinkJoin.js
// nixpkgs' symlinkJoin: `mkdir -p $out; for i in $paths; do lndir -silent $i $out; done`.
// This reproduces X.Org lndir (checked against Debian's lndir from xutils-dev
// 1:7.7+6, the tool nixpkgs' xorg.lndir packages):
// - a real directory (lstat, so a symlink to a directory is not one) is made
//   with mkdir(0777) under the builder's umask 022, i.e. 0755, and merged;
//   directories named BitKeeper, RCS, SCCS, CVS, CVS.adm, .svn, .git, .hg
//   and every name ending in `~` are skipped;
// - anything else becomes a symlink: to the source symlink's own target text
//   when the source is a symlink (relative targets stay relative), else to
//   `<source dir>/<name>` spelled from the path as given (not resolved);
// - the first path wins: an existing entry is left alone (lndir prints a
//   message and goes on; nothing fails), and a directory whose place is taken
//   by a symlink or a file is not merged ("is a link instead of a directory");
// - a path that is not a directory (a file, a missing path) fails the build.


const SKIPPED_DIRS = new Set(['BitKeeper', 'RCS', 'SCCS', 'CVS', 'CVS.adm', '.svn', '.git', '.hg']);
/** Directory mode lndir's mkdir(0777) gets under the builder's umask (022). */
const LNDIR_DIR_MODE = 0o755;
/**
 * Lays out symlinkJoin of `paths` in the existing, empty directory `out`.
 * Conflicts are reported through `log.debug`, as lndir -silent still prints them.
 */
async function symlinkJoin(paths, out, log) {
    for (const raw of paths) {
        if (!raw.startsWith('/')) {
            throw new CustomisationError(`contents: ${raw} is not an absolute path`);
        }
        const from = raw.replace(/\/+$/, '') || '/';
        const st = await (0,promises_namespaceObject.stat)(from).catch(() => null);
        if (st === null)
            throw new CustomisationError(`contents: ${from} does not exist`);
        if (!st.isDirectory()) {
            throw new CustomisationError(`contents: ${from} is not a directory (symlinkJoin/lndir needs one)`);
        }
        await linkDir(from, out, log);
    }
}
async function lstatOrNull(path) {
    return (0,promises_namespaceObject.lstat)(path).catch((err) => {
        if (err.code === 'ENOENT')
            return null;
        throw err;
    });
}
async function linkDir(from, to, log) {
    // Sorted only so that messages come out in a stable order: within one
    // source directory names are unique, so the result does not depend on it.
    const names = (await (0,promises_namespaceObject.readdir)(from)).sort();
    for (const name of names) {
        if (name.endsWith('~'))
            continue;
        const src = `${from}/${name}`;
        const dst = `${to}/${name}`;
        const srcStat = await (0,promises_namespaceObject.lstat)(src);
        const existing = await lstatOrNull(dst);
        if (srcStat.isDirectory()) {
            if (SKIPPED_DIRS.has(name))
                continue;
            if (existing === null) {
                await (0,promises_namespaceObject.mkdir)(dst);
                await (0,promises_namespaceObject.chmod)(dst, LNDIR_DIR_MODE);
            }
            else if (!existing.isDirectory()) {
                log.debug(`symlinkJoin: ${dst}: is a link instead of a directory; ${src} not merged`);
                continue;
            }
            await linkDir(src, dst, log);
            continue;
        }
        const target = srcStat.isSymbolicLink() ? await (0,promises_namespaceObject.readlink)(src) : src;
        if (existing !== null) {
            const have = existing.isSymbolicLink() ? await (0,promises_namespaceObject.readlink)(dst) : null;
            if (have !== target)
                log.debug(`symlinkJoin: ${dst} already exists; ${src} not linked`);
            continue;
        }
        await (0,promises_namespaceObject.symlink)(target, dst);
    }
}

;// CONCATENATED MODULE: ./lib/custom/index.js
/**
 * The customisation layer of streamLayeredImage / buildLayeredImage.
 *
 * What nixpkgs does (pkgs/build-support/docker/default.nix, streamLayeredImage,
 * read at amansakhuja/nixpkgs5@81babd460f93197c19601d6f4d20650bcf2c643e, a
 * nixpkgs copy with `layeringPipeline` and dockerAutoLayer; the same block at
 * NixOS/nixpkgs@34b7a306 differs only in fakechroot instead of proot):
 *
 *   customisationLayer = symlinkJoin {
 *     paths = contentsList;
 *     extraCommands = optionalString includeNixDB (mkDbExtraCommand contents) + extraCommands;
 *     postBuild = ''
 *       mv $out old_out
 *       (cd old_out; eval "$extraCommands" )
 *       mkdir $out
 *       fakeroot bash -e -c '              # enableFakechroot = false
 *         source $stdenv/setup; cd old_out; eval "$fakeRootCommands"
 *         tar --sort name --numeric-owner --mtime "@$SOURCE_DATE_EPOCH" \
 *             --hard-dereference -cf $out/layer.tar .'
 *       # enableFakechroot = true: the same under
 *       #   proot -r $PWD/old_out --bind=/dev/:/dev/! --bind=/proc/:/proc/! \
 *       #     --bind=/sys/:/sys/! --bind=/nix/store/:/nix/store/! \
 *       #     --bind=$out/layer.tar:$out/layer.tar! --pwd=/ fakeroot bash -e -c '...'
 *       # with no `cd`, and tar also given --exclude=./dev --exclude=./proc
 *       # --exclude=./sys --exclude=./nix/store.
 *     '';
 *   };
 *   closureRoots = optionals includeStorePaths [ baseJson customisationLayer ];
 *
 * Facts used here:
 * - symlinkJoin = `mkdir -p $out; for i in $(cat $pathsPath); do lndir -silent $i $out; done`
 *   (pkgs/build-support/trivial-builders/default.nix): see symlinkJoin.ts.
 * - extraCommands run as the build user, no fakeroot, cwd = the joined tree,
 *   in the builder's bash: errexit (bash -e), pipefail and nullglob (stdenv's
 *   setup.sh), umask 022 (Nix), SOURCE_DATE_EPOCH=315532800 (setup.sh's
 *   `: "${SOURCE_DATE_EPOCH:=315532800}"`, 1980-01-01). includeNixDB's
 *   mkDbExtraCommand is prepended to extraCommands: it runs first, same cwd.
 * - fakeRootCommands run in `fakeroot bash -e -c` after extraCommands, and the
 *   tar is written in the same fakeroot session, so it records what fakeroot
 *   shows: owner 0/0 for anything not chown'ed there, modes and device nodes
 *   as recorded. GNU tar's defaults apply (gnu format, 10240-byte records);
 *   --numeric-owner leaves uname/gname empty; --mtime sets every member's
 *   mtime; --hard-dereference stores hard links as files; names are `./...`.
 * - `mtime` of streamLayeredImage does not reach this layer: only
 *   SOURCE_DATE_EPOCH does; stream_layered_image.py's add_customisation_layer
 *   copies layer.tar unchanged and stamps `mtime` on the outer member only.
 *   uid/gid/uname/gname do not reach it either.
 * - The layer is a closure root, so whatever store path it mentions (a
 *   symlink extraCommands made, a file naming a store path, the Nix db) is
 *   pulled into the image with its closure: `storeRefs`.
 *
 * Departures (the host is not a Nix build sandbox): scripts get the caller's
 * environment and PATH, not stdenv's (no stdenv shell functions); fakeroot is
 * told not to chown for real (FAKEROOTDONTTRYCHOWN, as a non-root builder);
 * with enableFakechroot the host's tools are made visible inside as
 * fakechroot.ts explains.
 */












/** SOURCE_DATE_EPOCH as nixpkgs' stdenv sets it: 1980-01-01T00:00:00Z. */
const SOURCE_DATE_EPOCH = 315532800;
const wrap = (variable) => `umask 022; set -o pipefail; shopt -s nullglob; eval "$${variable}"`;
/** Removes a tree even where a script left directories without write permission. */
async function removeTree(dir) {
    try {
        await (0,promises_namespaceObject.rm)(dir, { recursive: true, force: true });
    }
    catch {
        const unlock = async (d) => {
            await (0,promises_namespaceObject.chmod)(d, 0o700).catch(() => { });
            for (const e of await (0,promises_namespaceObject.readdir)(d, { withFileTypes: true }).catch(() => [])) {
                if (e.isDirectory())
                    await unlock((0,external_node_path_namespaceObject.join)(d, e.name));
            }
        };
        await unlock(dir);
        await (0,promises_namespaceObject.rm)(dir, { recursive: true, force: true });
    }
}
/**
 * Builds the customisation layer. The result owns a temporary directory:
 * call dispose() (or `await using`) once the tar has been consumed. On
 * failure the directory is removed before the error is thrown.
 */
async function buildCustomisationLayer(opts) {
    const { log } = opts;
    const storeDir = opts.storeDir ?? '/nix/store';
    const epoch = opts.sourceDateEpoch ?? SOURCE_DATE_EPOCH;
    const baseEnv = opts.env ?? process.env;
    const env = { ...baseEnv, SOURCE_DATE_EPOCH: String(epoch), TZ: 'UTC' };
    const extraCommands = opts.extraCommands ?? '';
    const fakeRootCommands = opts.fakeRootCommands ?? '';
    const chroot = opts.enableFakechroot ?? false;
    const tmp = await (0,promises_namespaceObject.mkdtemp)((0,external_node_path_namespaceObject.join)(opts.workDir, 'custom-'));
    const dispose = () => removeTree(tmp);
    try {
        const root = (0,external_node_path_namespaceObject.join)(tmp, 'layer');
        await (0,promises_namespaceObject.mkdir)(root);
        await (0,promises_namespaceObject.chmod)(root, LNDIR_DIR_MODE);
        log.info(`customisation layer: joining ${opts.contents.length} path(s)`);
        await symlinkJoin(opts.contents, root, log);
        if (opts.nixDb !== undefined) {
            log.info('customisation layer: generating the Nix database');
            await opts.nixDb(root);
        }
        const bash = () => requireTool('bash', env.PATH, 'customisation layer scripts');
        if (extraCommands.trim() !== '') {
            log.info('customisation layer: running extraCommands');
            await runScript({
                label: 'extraCommands',
                argv: [await bash(), '-e', '-c', wrap('extraCommands')],
                cwd: root,
                env: { ...env, extraCommands },
                log,
            });
        }
        let db = new Map();
        if (chroot)
            await prepareLayer(root);
        if (fakeRootCommands.trim() !== '') {
            const fakeroot = await requireTool('fakeroot', env.PATH, 'fakeRootCommands');
            const shell = await bash();
            const state = (0,external_node_path_namespaceObject.join)(tmp, 'fakeroot.state');
            const fenv = { ...env, fakeRootCommands, FAKEROOTDONTTRYCHOWN: '1' };
            if (!chroot) {
                log.info('customisation layer: running fakeRootCommands under fakeroot');
                await runScript({
                    label: 'fakeRootCommands',
                    argv: [fakeroot, '-s', state, '--', shell, '-e', '-c', wrap('fakeRootCommands')],
                    cwd: root,
                    env: fenv,
                    log,
                });
            }
            else {
                log.info('customisation layer: running fakeRootCommands under fakeroot and proot');
                const proot = await requireTool('proot', env.PATH, 'enableFakechroot');
                const envTool = await requireTool('env', env.PATH, 'enableFakechroot');
                const probe = await capture([fakeroot, '--', shell, '-c', 'printf %s "$LD_LIBRARY_PATH"'], env);
                const plan = await planChroot({
                    layer: root,
                    storeDir,
                    bash: shell,
                    hostPath: env.PATH ?? '',
                    fakerootLibraryPath: probe.toString('utf8'),
                    env,
                });
                const before = await existingPaths(root, plan.mountPoints);
                try {
                    await runScript({
                        label: 'fakeRootCommands',
                        argv: [
                            fakeroot, '-s', state, '--',
                            envTool, '-u', 'TMPDIR', `PATH=${plan.path}`,
                            proot, ...plan.prootArgs,
                            plan.bash, '-e', '-c', wrap('fakeRootCommands'),
                        ],
                        cwd: tmp,
                        env: fenv,
                        log,
                    });
                }
                finally {
                    await cleanLayer(root, plan.mountPoints, before);
                }
            }
            db = await readFakerootState(state).catch((err) => {
                throw new CustomisationError(`fakeroot kept no state (${err.message})`);
            });
        }
        else if (chroot) {
            await cleanLayer(root, [], new Set());
        }
        const view = fakerootView(root, db);
        const tar = withDevices(await planDirectoryTar(root, {
            dialect: 'gnu',
            mtime: epoch,
            numericOwner: true,
            owners: view.owners,
            modes: view.modes,
        }), view.devices);
        const storeRefs = await findStoreRefs(root, storeDir);
        log.debug(`customisation layer: ${tar.size} bytes, ${storeRefs.length} store reference(s)`);
        return { root, tar, storeRefs, dispose, [Symbol.asyncDispose]: dispose };
    }
    catch (err) {
        await dispose();
        throw err;
    }
}

;// CONCATENATED MODULE: ./lib/functions/layeredImage.js
// streamLayeredImage / buildLayeredImage: spec → the ordered layers of the image and the
// functions that finish its config once the layers' digests are known. Writing the
// archive (stdout, file, docker load) is the job of src/functions/deliver.ts.












/** The version of how we write a store layer; part of every layer key (and cache key). */
const STORE_LAYER_FORMAT = 'python-pax/1';
function storeLayerKey(paths, own) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(JSON.stringify({ format: STORE_LAYER_FORMAT, paths, ...own })).digest('hex');
}
async function planLayeredImage(spec, ctx) {
    const { log } = ctx;
    // Everything that can be checked without building is checked first, so a bad input
    // fails at once, before any Nix build or script runs.
    const mtime = epochSeconds('mtime', spec.mtime, ctx.now);
    const createdDate = spec.created === 'now' ? ctx.now : toDate(spec.created);
    const created = formatCreated(createdDate, spec.created === 'now');
    const own = { mtime, uid: spec.uid, gid: spec.gid, uname: spec.uname, gname: spec.gname };
    const strategy = parseLayeringStrategy(spec.layeringPipeline);
    const base = spec.fromImage ? await loadBaseImage(spec.fromImage, { workDir: ctx.workDir }) : null;
    const available = availableLayers(spec.maxLayers, base?.layers.length ?? 0);
    if (!base)
        log.info("No 'fromImage' provided");
    const contents = await log.group('Realising contents', () => attributeErrors('contents', () => realise(spec.contents, log)));
    const configRefs = await attributeErrors('config', () => storePathsInConfig(spec.config ?? {}, 'config', ctx.storeDir));
    const custom = await log.group('Customisation layer', () => attributeErrors('contents', () => buildCustomisationLayer({
        contents,
        extraCommands: spec.extraCommands,
        fakeRootCommands: spec.fakeRootCommands,
        enableFakechroot: spec.enableFakechroot,
        nixDb: spec.includeNixDB ? async (root) => writeNixDb(await closurePaths(contents), root, { gcRoots: contents }) : undefined,
        workDir: ctx.workDir,
        storeDir: ctx.storeDir,
        log,
    })));
    let storeLayers = [];
    if (spec.includeStorePaths) {
        storeLayers = await log.group('Planning layers', async () => {
            const customRefs = [...new Set([...contents, ...custom.storeRefs])];
            const graph = await closureGraph([...new Set([...configRefs, ...customRefs])]);
            // nixpkgs layers the closure of two helper store paths (the config JSON and the
            // customisation layer), which take part in the planning and are left out of the
            // image; stand-ins for them make our plan the one nixpkgs makes.
            const helpers = nixpkgsImageRoots({
                name: spec.name,
                storeDir: ctx.storeDir,
                configReferences: configRefs,
                baseJsonSize: Buffer.byteLength(JSON.stringify(sortKeysDeep({ architecture: spec.architecture, config: spec.config, os: 'linux' }))),
                customisationReferences: customRefs,
                customisationTarSize: custom.tar.size,
            });
            const layers = planLayers([...graph, ...helpers.nodes], { strategy, availableLayers: available, roots: helpers.roots, exclude: helpers.exclude });
            if (spec.debug)
                log.info(`layers: ${JSON.stringify(layers, null, 2)}`);
            return layers;
        });
    }
    const layers = [];
    for (const l of base?.layers ?? []) {
        layers.push({
            member: `${l.diffId.slice('sha256:'.length)}/layer.tar`,
            size: l.size,
            chunks: fileRange(l.file, l.offset, l.size),
            diffId: l.diffId,
            paths: [l.member],
        });
    }
    for (const paths of storeLayers) {
        const tar = await planStoreLayer(paths, own);
        layers.push({ member: `${storeLayerKey(paths, own)}/layer.tar`, size: tar.size, chunks: () => tar.chunks(), paths });
    }
    const customKey = (0,external_node_crypto_namespaceObject.createHash)('sha256')
        .update(JSON.stringify({ format: 'customisation/1', contents, refs: custom.storeRefs, spec: [spec.extraCommands, spec.fakeRootCommands, spec.enableFakechroot, spec.includeNixDB] }))
        .digest('hex');
    layers.push({
        member: `${customKey}/layer.tar`,
        size: custom.tar.size,
        chunks: () => custom.tar.chunks(),
        paths: [`${spec.name}-customisation-layer`],
    });
    const imageName = spec.name.toLowerCase();
    const imageTag = (hex) => spec.tag ?? contentTag(hex);
    return {
        imageName,
        tag: spec.tag,
        mtime,
        layers,
        storeLayers,
        makeConfig: (records) => imageConfig({ created, architecture: spec.architecture, config: spec.config, baseConfig: base?.config.config, layers: records }),
        repoTag: (hex) => `${imageName}:${imageTag(hex)}`,
        imageTag,
        dispose: () => custom.dispose(),
    };
}
/** Errors about what an attribute names (not a valid store path, not a directory) become errors naming it. */
async function attributeErrors(attribute, fn) {
    try {
        return await fn();
    }
    catch (err) {
        if (err instanceof NixPathError || (err instanceof CustomisationError && !(err instanceof ScriptError) && err.message.startsWith(`${attribute}:`))) {
            throw new SpecError(attribute, err.message.split('\n')[0].replace(new RegExp(`^${attribute}: `), ''));
        }
        throw err;
    }
}
async function closurePaths(roots) {
    if (roots.length === 0)
        return [];
    return (await closureGraph(roots)).map((n) => n.path);
}

;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./lib/sinks/dockerLoad.js
// `--load`: streams an archive into the Docker engine's /images/load endpoint, the same
// call `docker load` makes, so no docker CLI is needed and nothing touches the disk.






/** Reads DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH the way the docker CLI does. */
function dockerEndpoint(env = process.env) {
    const hostVar = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    if (hostVar.startsWith('unix://'))
        return { socketPath: hostVar.slice('unix://'.length) };
    const m = /^(?:tcp|https?):\/\/([^:/]+)(?::(\d+))?/.exec(hostVar);
    if (!m)
        throw new Error(`DOCKER_HOST: unsupported value '${hostVar}' (expected unix:// or tcp://)`);
    const ep = { host: m[1], port: Number(m[2] ?? (env.DOCKER_TLS_VERIFY ? 2376 : 2375)) };
    if (env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== '0') {
        const dir = env.DOCKER_CERT_PATH || external_node_path_namespaceObject.join(env.HOME ?? '', '.docker');
        const read = (f) => external_node_fs_namespaceObject.readFileSync(external_node_path_namespaceObject.join(dir, f));
        ep.tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
    }
    return ep;
}
function request(ep, method, urlPath, headers) {
    const opts = { method, path: urlPath, headers };
    if (ep.socketPath)
        return external_node_http_namespaceObject.request({ ...opts, socketPath: ep.socketPath });
    if (ep.tls)
        return external_node_https_namespaceObject.request({ ...opts, host: ep.host, port: ep.port, ...ep.tls });
    return external_node_http_namespaceObject.request({ ...opts, host: ep.host, port: ep.port });
}
/** Streams a docker-archive (plain, gz or zstd) into the engine; returns the images it reports loaded. */
async function dockerLoad(archive, ep = dockerEndpoint()) {
    const req = request(ep, 'POST', '/images/load', { 'Content-Type': 'application/x-tar' });
    const response = new Promise((resolve, reject) => {
        req.once('response', resolve);
        req.once('error', reject);
    });
    const sent = (0,external_node_stream_promises_namespaceObject.pipeline)(external_node_stream_namespaceObject.Readable.from(archive), req);
    sent.catch(() => { }); // an engine that answers early (an error) stops reading; its answer says why
    const res = await response;
    if (res.statusCode === 200)
        await sent;
    let body = '';
    for await (const chunk of res)
        body += chunk.toString();
    if (res.statusCode !== 200)
        throw new Error(`docker load: HTTP ${res.statusCode}: ${body.trim().slice(0, 500)}`);
    const loaded = [];
    for (const line of body.split('\n')) {
        if (!line.trim())
            continue;
        let msg;
        try {
            msg = JSON.parse(line);
        }
        catch {
            continue;
        }
        if (msg.error || msg.errorDetail)
            throw new Error(`docker load: ${msg.errorDetail?.message ?? msg.error}`);
        const m = /Loaded image(?: ID)?: (\S+)/.exec(msg.stream ?? '');
        if (m)
            loaded.push(m[1]);
    }
    return loaded;
}

;// CONCATENATED MODULE: ./lib/functions/deliver.js
// Writes a planned image where it was asked to go: stdout, a file (compressed as the
// spec says), the Docker engine. An output file appears only once complete: it is
// written beside its final name and renamed, and removed on any failure.







async function writeAll(source, dest) {
    for await (const chunk of source) {
        if (!dest.write(chunk))
            await (0,external_node_events_namespaceObject.once)(dest, 'drain');
    }
}
/** Writes to `file` atomically: a temporary name in the same directory, renamed when complete. */
async function writeFileAtomic(file, source) {
    const tmp = external_node_path_namespaceObject.join(external_node_path_namespaceObject.dirname(file), `.${external_node_path_namespaceObject.basename(file)}.${process.pid}.partial`);
    const stream = external_node_fs_namespaceObject.createWriteStream(tmp);
    try {
        await writeAll(source, stream);
        stream.end();
        await (0,external_node_events_namespaceObject.once)(stream, 'finish');
        await promises_namespaceObject.rename(tmp, file);
    }
    catch (err) {
        stream.destroy();
        await promises_namespaceObject.rm(tmp, { force: true });
        throw err;
    }
}
async function deliver(plan, opts) {
    const { log } = opts;
    let result;
    const archive = () => dockerArchive({
        layers: plan.layers,
        mtime: plan.mtime,
        makeConfig: plan.makeConfig,
        repoTag: plan.repoTag,
        onLayer: (i, layer) => log.info(`Creating layer ${i + 1} from paths: ${JSON.stringify(layer.paths)}`),
        onDone: (r) => (result = r),
    });
    let loaded = [];
    if (opts.out) {
        await log.group(`Writing ${opts.out}`, () => writeFileAtomic(opts.out, compressStream(archive(), opts.compressor)));
        if (opts.load) {
            // Docker reads gzip but not every engine reads a zstd archive: send it plain.
            const file = external_node_fs_namespaceObject.createReadStream(opts.out);
            const body = opts.compressor === 'none' ? file : file.pipe(decompressor(opts.compressor));
            loaded = await log.group('Loading into Docker', () => dockerLoad(body));
        }
    }
    else if (opts.load) {
        loaded = await log.group('Loading into Docker', () => dockerLoad(bytesOnly(archive())));
    }
    else if (opts.stdout) {
        await writeAll(compressStream(archive(), opts.compressor), opts.stdout);
    }
    if (!result)
        throw new Error('the archive was not completed');
    const r = result;
    const configHex = r.configDigest.slice('sha256:'.length);
    const imageTag = plan.imageTag(configHex);
    for (const l of loaded)
        log.info(`Loaded image: ${l}`);
    return {
        imageName: plan.imageName,
        imageTag,
        image: `${plan.imageName}:${imageTag}`,
        archive: opts.out ? external_node_path_namespaceObject.resolve(opts.out) : null,
        compressor: opts.compressor,
        configDigest: r.configDigest,
        layers: r.layers.map((l) => ({ diffId: l.diffId, paths: l.paths, size: l.size, member: l.member })),
        loaded,
    };
}

;// CONCATENATED MODULE: ./lib/util/log.js
// The engine reports through this interface and never through @actions/core or
// console directly, so the CLI, the action and the tests drive it unchanged.
/** Logs to stderr: stdout is kept for data (archives, --json). */
function stderrLogger(verbose = false) {
    return {
        info: (m) => process.stderr.write(`${m}\n`),
        warn: (m) => process.stderr.write(`warning: ${m}\n`),
        debug: (m) => {
            if (verbose)
                process.stderr.write(`debug: ${m}\n`);
        },
        group: async (title, fn) => {
            if (verbose)
                process.stderr.write(`== ${title}\n`);
            return fn();
        },
    };
}
const silentLogger = {
    info: () => { },
    warn: () => { },
    debug: () => { },
    group: (_t, fn) => fn(),
};

;// CONCATENATED MODULE: ./lib/cli/main.js
// `nix-docker <function> [attributes] [--out PATH] [--load] [--json]`: flags → spec →
// engine → delivery. stdout carries only data (the archive or --json); logs go to stderr.











const VERSION = '0.1.0';
/** Errors that are the user's to fix: one line, exit code 2. */
function isUsageError(err) {
    return err instanceof Error && (err.name === 'SpecError' || err.name === 'UsageError' || 'attribute' in err);
}
async function main(argv) {
    try {
        return await main_run(argv);
    }
    catch (err) {
        if (isUsageError(err)) {
            process.stderr.write(`nix-docker: ${err.message}\n`);
            return 2;
        }
        process.stderr.write(`nix-docker: error: ${err instanceof Error ? err.message : String(err)}\n`);
        if (process.env.NIX_DOCKER_DEBUG && err instanceof Error)
            process.stderr.write(`${err.stack}\n`);
        return 1;
    }
}
async function main_run(argv) {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
        process.stdout.write(usage());
        return first === undefined ? 2 : 0;
    }
    if (first === '--version') {
        process.stdout.write(`nix-docker ${VERSION}\n`);
        return 0;
    }
    const fn = functionName(first);
    const { options, raw: flags } = parseArgs(fn, rest);
    if (options.help) {
        process.stdout.write(functionHelp(fn));
        return 0;
    }
    const raw = options.spec ? readSpecFile(options.spec) : new Map();
    for (const [k, v] of flags)
        raw.set(k, v);
    const spec = parseSpec(fn, raw);
    const toStdout = fn === 'streamLayeredImage' && !options.out && !options.load;
    if (toStdout && options.json)
        throw new UsageError('--json needs --out or --load here: stdout carries the archive');
    if (toStdout && process.stdout.isTTY)
        throw new UsageError('refusing to write an image archive to a terminal; pipe it or use --out');
    const out = options.out ?? (fn !== 'streamLayeredImage' && !toStdout ? `${spec.name}${extensionFor(spec.compressor)}` : undefined);
    if (out)
        await checkWritableDir(out);
    const log = stderrLogger(options.verbose);
    const workDir = await promises_namespaceObject.mkdtemp(external_node_path_namespaceObject.join(options.workDir ?? external_node_os_namespaceObject.tmpdir(), 'nix-docker-'));
    try {
        const plan = await planLayeredImage(spec, { workDir, log, now: new Date(), storeDir: await storeDir() });
        const result = await deliver(plan, {
            out,
            stdout: toStdout ? process.stdout : undefined,
            load: options.load,
            compressor: spec.compressor,
            log,
        }).finally(() => plan.dispose());
        if (options.json) {
            const report = { function: fn, ...result, storeLayers: plan.storeLayers, passthru: spec.passthru ?? undefined };
            process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        }
        else if (out) {
            log.info(`Wrote ${result.image} to ${result.archive}`);
        }
        return 0;
    }
    finally {
        await promises_namespaceObject.rm(workDir, { recursive: true, force: true });
    }
}
async function checkWritableDir(out) {
    const dir = external_node_path_namespaceObject.dirname(external_node_path_namespaceObject.resolve(out));
    try {
        await promises_namespaceObject.access(dir, promises_namespaceObject.constants.W_OK);
    }
    catch {
        throw new UsageError(`--out ${out}: directory ${dir} does not exist or is not writable`);
    }
}



/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(518);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
