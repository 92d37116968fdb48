"""Reading the XML answers of the OpenMeetings 2.x/3.0 Axis2 gateway, safely and namespace-aware.

Axis2 answers a REST-style ``GET /services/<Service>/<method>`` with ``<ns:<method>Response>`` holding one
``<ns:return>``; a failure (AxisFault) comes back as a SOAP 1.2 ``Reason`` or ``Fault`` element. XML from
the network is parsed with defusedxml: a document type declaration, entity declarations or external
references make the answer a :class:`ProtocolError` instead of being expanded.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_et

from meetdesk.domain.errors import ProtocolError

#: Apache OpenMeetings 2.x/3.0 (RestClient.NAMESPACE_PREFIX) and the pre-Apache 1.x/early 2.x namespace
AXIS_NAMESPACES = frozenset({
    "http://services.axis.openmeetings.apache.org",
    "http://services.axis.openmeetings.org",
})
SOAP_ENVELOPE_NAMESPACES = frozenset({
    "http://www.w3.org/2003/05/soap-envelope",
    "http://schemas.xmlsoap.org/soap/envelope/",
})
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def split_tag(tag: str) -> tuple[str, str]:
    """``{namespace}local`` → (namespace, local); a tag without namespace gives ("", tag)."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def parse_document(content: bytes, server: str, call: str) -> Element:
    """Parse an answer, refusing DTDs, entity declarations and external references."""
    try:
        root: Element = safe_et.fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise ProtocolError(
            f"{server} answered {call} with XML that declares a document type or entities; "
            "meetdesk refuses such answers for safety.",
            detail=type(exc).__name__,
            hint="Check that the address really points to the OpenMeetings server and not to something in between.",
        ) from None
    except ParseError as exc:
        raise ProtocolError(f"{server} answered {call} with something that is not valid XML.",
                            detail=str(exc)) from None
    return root


def fault_text(root: Element) -> str | None:
    """The message of an Axis2 fault (``<soapenv:Reason>``/``<soapenv:Fault>``/SOAP envelope), else None."""
    namespace, local = split_tag(root.tag)
    if namespace not in SOAP_ENVELOPE_NAMESPACES or local not in {"Reason", "Fault", "Envelope"}:
        return None
    for element in root.iter():
        _, name = split_tag(element.tag)
        if name in {"Text", "faultstring"} and element.text and element.text.strip():
            return element.text.strip()
    return ""


def is_nil(element: Element) -> bool:
    return element.get(XSI_NIL, "").strip().lower() in {"true", "1"}


def response_return(root: Element, method: str, server: str) -> Element | None:
    """The ``<ns:return>`` element of ``<ns:<method>Response>``; None for a null (nil or missing) return."""
    namespace, local = split_tag(root.tag)
    if namespace in SOAP_ENVELOPE_NAMESPACES and local == "Envelope":
        body = next((child for child in root if split_tag(child.tag)[1] == "Body"), None)
        first = next(iter(body), None) if body is not None else None
        if first is not None:
            root = first
            namespace, local = split_tag(root.tag)
    if local != f"{method}Response" or namespace not in AXIS_NAMESPACES:
        raise ProtocolError(
            f"{server} did not answer {method} the way an OpenMeetings 2.x/3.0 server does.",
            detail=f"root element {root.tag!r}",
            hint="Check that the address is the OpenMeetings web root, e.g. http://host:5080/openmeetings.",
        )
    returned = root.find(f"{{{namespace}}}return")
    if returned is None or is_nil(returned):
        return None
    return returned


def child_text(element: Element, local_name: str) -> str | None:
    """Text of the first direct child with this local name (any namespace); None if absent or nil."""
    for child in element:
        if split_tag(child.tag)[1] == local_name:
            if is_nil(child):
                return None
            return (child.text or "").strip()
    return None
