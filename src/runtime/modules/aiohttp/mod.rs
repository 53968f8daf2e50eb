//! `aiohttp`: the HTTP/1.1 client subset scripts use, over asyncio's
//! streams. The client is Python (`client.pyl`, run as the module's body
//! on first import); what it parses — a response's status line and
//! headers — is `httparse`'s.

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

const CLIENT: &str = include_str!("client.pyl");
const CLIENT_NAME: &str = "<aiohttp>";

/// The most headers a response may have (aiohttp's parser: 32 768 bytes
/// of them; a count is httparse's way to bound it).
const MAX_HEADERS: usize = 128;

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("aiohttp");
    add_function(
        &module.namespace,
        "_parse_response_head",
        parse_response_head,
    );
    super::run_bundled_source(interp, &module, CLIENT_NAME, CLIENT, Origin::Bundled)?;
    Ok(module)
}

/// `_parse_response_head(data)`: `(minor_version, status, reason,
/// [(name, value), …])` for a whole head (through the blank line), or a
/// `ValueError` saying what is wrong with it.
fn parse_response_head(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(data) = args.first().and_then(Value::as_bytes) else {
        return Err(interp.type_error("_parse_response_head() takes bytes"));
    };
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(data) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(interp.error(ExcType::ValueError, "incomplete response head"))
        }
        Err(error) => return Err(interp.error(ExcType::ValueError, error.to_string())),
    }
    let headers = response
        .headers
        .iter()
        .map(|header| {
            Value::pair(
                Value::str(header.name),
                Value::str(String::from_utf8_lossy(header.value).into_owned()),
            )
        })
        .collect();
    Ok(Value::tuple(vec![
        Value::Int(response.version.unwrap_or(1).into()),
        Value::Int(response.code.unwrap_or(0).into()),
        Value::str(response.reason.unwrap_or("")),
        Value::list(headers),
    ]))
}
