//! The codecs pyl knows — UTF-8, ASCII and Latin-1 — and their error
//! handlers, for `bytes.decode`, `str.encode`, `bytes(str, encoding)`,
//! `str(bytes, encoding)` and text files. Errors are CPython's
//! `UnicodeDecodeError`/`UnicodeEncodeError`, with its messages and the
//! `encoding`, `object`, `start`, `end` and `reason` attributes.

use std::fmt::Write;

use super::error::{ExcType, PyErr, PyResult};
use super::interp::Interp;
use super::object::Instance;
use super::value::Value;
use crate::syntax::ast::Name;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Codec {
    Utf8,
    Ascii,
    Latin1,
}

/// What a codec name names.
pub enum Lookup {
    Found(Codec),
    /// A codec CPython has and pyl does not.
    Unsupported,
    Unknown,
}

impl Codec {
    /// The name CPython's error messages use, whatever alias was asked for.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Ascii => "ascii",
            Codec::Latin1 => "latin-1",
        }
    }

    /// Finds a codec by any of CPython's aliases (case, `-` and spaces do
    /// not matter, as in `encodings.normalize_encoding`).
    pub fn lookup(name: &str) -> Lookup {
        const UTF_8: &[&str] = &[
            "utf_8",
            "utf8",
            "u8",
            "utf",
            "utf8_ucs2",
            "utf8_ucs4",
            "cp65001",
        ];
        const ASCII: &[&str] = &[
            "ascii",
            "646",
            "ansi_x3.4_1968",
            "ansi_x3_4_1968",
            "ansi_x3.4_1986",
            "cp367",
            "csascii",
            "ibm367",
            "iso646_us",
            "iso_646.irv_1991",
            "iso_ir_6",
            "us",
            "us_ascii",
        ];
        const LATIN_1: &[&str] = &[
            "latin_1",
            "latin1",
            "latin",
            "l1",
            "8859",
            "cp819",
            "csisolatin1",
            "ibm819",
            "iso8859",
            "iso8859_1",
            "iso_8859_1",
            "iso_8859_1_1987",
            "iso_ir_100",
        ];
        const OTHERS: &[&str] = &[
            "cp1252",
            "windows_1252",
            "cp1251",
            "windows_1251",
            "cp437",
            "utf_16",
            "utf16",
            "utf_16_le",
            "utf_16_be",
            "utf_32",
            "utf32",
            "utf_32_le",
            "utf_32_be",
            "utf_8_sig",
            "koi8_r",
            "shift_jis",
            "euc_jp",
            "gbk",
            "big5",
            "idna",
            "punycode",
            "unicode_escape",
            "raw_unicode_escape",
        ];
        let normal = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let normal = normal.as_str();
        if UTF_8.contains(&normal) {
            Lookup::Found(Codec::Utf8)
        } else if ASCII.contains(&normal) {
            Lookup::Found(Codec::Ascii)
        } else if LATIN_1.contains(&normal) {
            Lookup::Found(Codec::Latin1)
        } else if OTHERS.contains(&normal) {
            Lookup::Unsupported
        } else {
            Lookup::Unknown
        }
    }

    /// [`Codec::lookup`] with CPython's `LookupError` for an unknown name.
    pub fn find(interp: &Interp, name: &str) -> PyResult<Codec> {
        match Codec::lookup(name) {
            Lookup::Found(codec) => Ok(codec),
            Lookup::Unsupported => Err(interp.error(
                ExcType::NotImplementedError,
                format!("the {name:?} codec is not supported by pyl (only utf-8, ascii, latin-1)"),
            )),
            Lookup::Unknown => {
                Err(interp.error(ExcType::LookupError, format!("unknown encoding: {name}")))
            }
        }
    }

    /// The first code point this codec cannot encode.
    fn limit(self) -> u32 {
        match self {
            Codec::Utf8 => 0x110000,
            Codec::Ascii => 0x80,
            Codec::Latin1 => 0x100,
        }
    }
}

/// What to do with what a codec cannot handle (`errors=`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OnError {
    Strict,
    Replace,
    Ignore,
    BackslashReplace,
    /// Encoding only: `&#NNN;`.
    XmlCharRefReplace,
}

impl OnError {
    pub fn name(self) -> &'static str {
        match self {
            OnError::Strict => "strict",
            OnError::Replace => "replace",
            OnError::Ignore => "ignore",
            OnError::BackslashReplace => "backslashreplace",
            OnError::XmlCharRefReplace => "xmlcharrefreplace",
        }
    }

    pub fn parse(name: &str) -> Option<OnError> {
        Some(match name {
            "strict" => OnError::Strict,
            "replace" => OnError::Replace,
            "ignore" => OnError::Ignore,
            "backslashreplace" => OnError::BackslashReplace,
            "xmlcharrefreplace" => OnError::XmlCharRefReplace,
            _ => return None,
        })
    }

    /// The handler named `name`, looked up as CPython does only once an
    /// error needs it; `decoding` for a decoder's error.
    fn resolve(interp: &Interp, name: &str, decoding: bool) -> PyResult<OnError> {
        match OnError::parse(name) {
            Some(OnError::XmlCharRefReplace) if decoding => {
                Err(interp
                    .type_error("don't know how to handle UnicodeDecodeError in error callback"))
            }
            Some(handler) => Ok(handler),
            None if matches!(name, "surrogateescape" | "surrogatepass" | "namereplace") => {
                Err(interp.error(
                    ExcType::NotImplementedError,
                    format!("the {name:?} error handler is not supported by pyl"),
                ))
            }
            None => Err(interp.error(
                ExcType::LookupError,
                format!("unknown error handler name '{name}'"),
            )),
        }
    }
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// Where decoding failed, as CPython's `UnicodeDecodeError` says it; the
/// positions are offsets into the bytes given to the decoder.
pub struct DecodeError {
    pub codec: Codec,
    pub start: usize,
    pub end: usize,
    pub reason: &'static str,
}

impl DecodeError {
    /// The `UnicodeDecodeError` for this failure in `object`, the bytes
    /// that were being decoded.
    pub fn into_exception(self, interp: &Interp, object: &[u8]) -> PyErr {
        let fields = [
            Value::str(self.codec.name()),
            Value::bytes(object),
            Value::from(self.start),
            Value::from(self.end),
            Value::str(self.reason),
        ];
        unicode_error(interp, ExcType::UnicodeDecodeError, fields)
    }
}

/// The names of a `UnicodeDecodeError`'s or `UnicodeEncodeError`'s
/// fields, which are also its `args`, in their order.
const UNICODE_ERROR_FIELDS: [&str; 5] = ["encoding", "object", "start", "end", "reason"];

/// A `UnicodeDecodeError` or `UnicodeEncodeError` whose `args` are its
/// five fields.
fn unicode_error(interp: &Interp, kind: ExcType, fields: [Value; 5]) -> PyErr {
    let error = interp.new_exception(kind, fields.to_vec());
    set_unicode_fields(&error.0, fields);
    error
}

fn set_unicode_fields(error: &Instance, fields: [Value; 5]) {
    if let Some(data) = &error.exception {
        for (name, value) in UNICODE_ERROR_FIELDS.into_iter().zip(fields) {
            data.set_field(name, value);
        }
    }
}

/// `UnicodeDecodeError(encoding, object, start, end, reason)` and
/// `UnicodeEncodeError(…)`, checked as CPython checks them.
pub fn unicode_error_init(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(Value::Instance(instance)) = args.first() else {
        return Ok(Value::None);
    };
    let decoding = interp.is_exception(instance, ExcType::UnicodeDecodeError);
    if !kwargs.is_empty() {
        let name = if decoding {
            "UnicodeDecodeError"
        } else {
            "UnicodeEncodeError"
        };
        return Err(interp.type_error(format!("{name}() takes no keyword arguments")));
    }
    let [encoding, object, start, end, reason] = &args[1..] else {
        return Err(interp.type_error(format!(
            "function takes exactly 5 arguments ({} given)",
            args.len() - 1
        )));
    };
    let must_be_str = |interp: &Interp, position: usize, value: &Value| match value {
        Value::Str(_) => Ok(()),
        _ => Err(interp.type_error(format!(
            "argument {position} must be str, not {}",
            interp.argument_type_name(value)
        ))),
    };
    must_be_str(interp, 1, encoding)?;
    let object = if decoding {
        match object {
            Value::Bytes(_) => object.clone(),
            _ => {
                return Err(interp.type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    interp.type_name(object)
                )))
            }
        }
    } else {
        must_be_str(interp, 2, object)?;
        object.clone()
    };
    let start = Value::Int(interp.to_index(start)?);
    let end = Value::Int(interp.to_index(end)?);
    must_be_str(interp, 5, reason)?;
    set_unicode_fields(
        instance,
        [encoding.clone(), object, start, end, reason.clone()],
    );
    Ok(Value::None)
}

/// `str()` of a `UnicodeDecodeError` or `UnicodeEncodeError`, from its
/// fields as they are now (a handler may have moved `start`); `None` when
/// it has none (a subclass that skipped `__init__`).
pub fn unicode_error_str(interp: &mut Interp, error: &Instance) -> PyResult<Option<String>> {
    let data = error.exception.as_ref();
    let fields = data.map(|data| {
        let fields = data.fields.borrow();
        UNICODE_ERROR_FIELDS.map(|name| fields.get(name).cloned())
    });
    let Some([Some(encoding), Some(object), Some(start), Some(end), Some(reason)]) = fields else {
        return Ok(None);
    };
    let (start, end) = (interp.to_index(&start)?, interp.to_index(&end)?);
    let (encoding, reason) = (interp.to_str(&encoding)?, interp.to_str(&reason)?);
    let single = end == start + 1 && start >= 0;
    let what = match &object {
        Value::Bytes(bytes) => match bytes.get(start as usize).filter(|_| single) {
            Some(byte) => format!("decode byte 0x{byte:02x} in position {start}"),
            None => format!("decode bytes in position {start}-{}", end - 1),
        },
        Value::Str(text) => match text.as_str().chars().nth(start as usize).filter(|_| single) {
            Some(c) => format!("encode character '{}' in position {start}", escaped_char(c)),
            None => format!("encode characters in position {start}-{}", end - 1),
        },
        _ => return Ok(None),
    };
    Ok(Some(format!("'{encoding}' codec can't {what}: {reason}")))
}

/// `data.decode(encoding, errors)`: the text, or the `UnicodeDecodeError`
/// (or the error handler's `LookupError`, raised only when an error needs
/// the handler, as in CPython).
pub fn decode(interp: &Interp, data: &[u8], codec: Codec, errors: &str) -> PyResult<String> {
    let on_error = OnError::parse(errors).unwrap_or(OnError::Strict);
    decode_with(data, codec, on_error).or_else(|error| {
        // Only a handler that cannot replace gets here: strict, or one
        // whose lookup fails now that an error needs it.
        OnError::resolve(interp, errors, true)?;
        Err(error.into_exception(interp, data))
    })
}

fn decode_with(data: &[u8], codec: Codec, on_error: OnError) -> Result<String, DecodeError> {
    match codec {
        Codec::Utf8 => decode_utf8(data, true, on_error).map(|(text, _)| text),
        Codec::Latin1 => Ok(data.iter().map(|&b| char::from(b)).collect()),
        Codec::Ascii => {
            if data.is_ascii() {
                // ASCII is valid UTF-8.
                return Ok(String::from_utf8_lossy(data).into_owned());
            }
            let mut text = String::with_capacity(data.len());
            for (i, &byte) in data.iter().enumerate() {
                if byte.is_ascii() {
                    text.push(char::from(byte));
                } else {
                    let bad = DecodeError {
                        codec,
                        start: i,
                        end: i + 1,
                        reason: "ordinal not in range(128)",
                    };
                    replace_undecodable(&mut text, &data[i..i + 1], on_error, bad)?;
                }
            }
            Ok(text)
        }
    }
}

/// Applies the error handler to the undecodable `bad_bytes`.
fn replace_undecodable(
    text: &mut String,
    bad_bytes: &[u8],
    on_error: OnError,
    error: DecodeError,
) -> Result<(), DecodeError> {
    match on_error {
        OnError::Strict | OnError::XmlCharRefReplace => return Err(error),
        OnError::Replace => text.push('\u{fffd}'),
        OnError::Ignore => {}
        OnError::BackslashReplace => {
            for byte in bad_bytes {
                let _ = write!(text, "\\x{byte:02x}");
            }
        }
    }
    Ok(())
}

/// Decodes UTF-8 `bytes`; unless `last`, a character cut off at the end is
/// left over (a file's next chunk completes it). Returns the text and the
/// number of bytes left over.
pub fn decode_utf8(
    bytes: &[u8],
    last: bool,
    on_error: OnError,
) -> Result<(String, usize), DecodeError> {
    let mut text = String::new();
    let mut at = 0;
    loop {
        match std::str::from_utf8(&bytes[at..]) {
            Ok(valid) => {
                text.push_str(valid);
                return Ok((text, 0));
            }
            Err(error) => {
                let valid_end = at + error.valid_up_to();
                text.push_str(std::str::from_utf8(&bytes[at..valid_end]).unwrap_or_default());
                let bad_end = match error.error_len() {
                    Some(length) => valid_end + length,
                    None if !last => return Ok((text, bytes.len() - valid_end)),
                    None => bytes.len(),
                };
                let byte = bytes[valid_end];
                let reason = if error.error_len().is_none() {
                    "unexpected end of data"
                } else if matches!(byte, 0x80..=0xc1 | 0xf5..=0xff) {
                    "invalid start byte"
                } else {
                    "invalid continuation byte"
                };
                let bad = DecodeError {
                    codec: Codec::Utf8,
                    start: valid_end,
                    end: bad_end,
                    reason,
                };
                replace_undecodable(&mut text, &bytes[valid_end..bad_end], on_error, bad)?;
                at = bad_end;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

/// `text.encode(encoding, errors)`: the bytes, or CPython's
/// `UnicodeEncodeError` for the first run of characters the codec cannot
/// encode.
pub fn encode(interp: &Interp, text: &str, codec: Codec, errors: &str) -> PyResult<Vec<u8>> {
    let limit = codec.limit();
    if codec == Codec::Utf8 || text.chars().all(|c| (c as u32) < limit) {
        return Ok(match codec {
            Codec::Latin1 => text.chars().map(|c| c as u8).collect(),
            _ => text.as_bytes().to_vec(),
        });
    }
    let mut out = Vec::with_capacity(text.len());
    let mut on_error = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c as u32) < limit {
            out.push(c as u8);
            i += 1;
            continue;
        }
        // CPython's error covers the whole run of unencodable characters.
        let end = (i..chars.len())
            .find(|&j| (chars[j] as u32) < limit)
            .unwrap_or(chars.len());
        let handler = match on_error {
            Some(handler) => handler,
            None => *on_error.insert(OnError::resolve(interp, errors, false)?),
        };
        for &bad in &chars[i..end] {
            match handler {
                OnError::Strict => return Err(encode_error(interp, text, codec, i, end)),
                OnError::Replace => out.push(b'?'),
                OnError::Ignore => {}
                OnError::BackslashReplace => out.extend(escaped_char(bad).bytes()),
                OnError::XmlCharRefReplace => {
                    out.extend(format!("&#{};", bad as u32).bytes());
                }
            }
        }
        i = end;
    }
    Ok(out)
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as CPython escapes a code point.
pub fn escaped_char(c: char) -> String {
    match c as u32 {
        code @ 0..=0xff => format!("\\x{code:02x}"),
        code @ 0x100..=0xffff => format!("\\u{code:04x}"),
        code => format!("\\U{code:08x}"),
    }
}

fn encode_error(interp: &Interp, text: &str, codec: Codec, start: usize, end: usize) -> PyErr {
    let reason = match codec {
        Codec::Latin1 => "ordinal not in range(256)",
        _ => "ordinal not in range(128)",
    };
    let fields = [
        Value::str(codec.name()),
        Value::str(text),
        Value::from(start),
        Value::from(end),
        Value::str(reason),
    ];
    unicode_error(interp, ExcType::UnicodeEncodeError, fields)
}
