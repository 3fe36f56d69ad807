"""The schema parsers (classify/schema/): containers, fields and lines for each
format, roles from operations, and tolerance of broken input."""

from __future__ import annotations

import random
import time

import pytest

from ethicscan import scan_text
from ethicscan.classify.schema import Container, Role, Schema, parse_schema, schema_format

SQL = """\
-- 人员抓拍记录
CREATE TABLE IF NOT EXISTS `captured_person` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `ethic_code` char(2) DEFAULT NULL COMMENT '民族代码',
  skin char(1), -- 肤色
  race enum('white','black'),
  PRIMARY KEY (`id`),
  CONSTRAINT ck CHECK (skin IN ('1', '2'))
) ENGINE=InnoDB COMMENT='抓拍人员';
CREATE TYPE race_type AS ENUM ('asian', 'black');
COMMENT ON COLUMN captured_person.skin IS '肤色代码';
"""

OPENAPI_YAML = """\
openapi: 3.0.0
paths:
  /face/detect:
    post:
      operationId: detectFace
      responses:
        "200":
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/FaceResult'
  /persons:
    get:
      summary: search persons
      parameters:
        - name: ethicCode
          in: query
components:
  schemas:
    FaceResult:
      type: object
      properties:
        race:
          type: string
          enum: [asian, white]
"""

OPENAPI_JSON = """\
{
\t"openapi": "3.0.0",
\t"paths": {"/faces/search": {"post": {"operationId": "searchFaces",
\t  "requestBody": {"content": {"application/json": {"schema": {
\t    "type": "object",
\t    "properties": {"race": {"type": "string"}}}}}}}}}
}
"""

PROTO = """\
syntax = "proto3";
// Face service
service FaceService {
  rpc Detect(DetectRequest) returns (DetectResponse);
}
message DetectResponse {
  // the faces found
  repeated Face faces = 1;
}
message Face {
  RaceType race = 1; // 种族
  int32 age = 2;
}
enum RaceType {
  RACE_UNKNOWN = 0;
  RACE_WHITE = 1;
}
"""

GRAPHQL = '''\
type Query {
  "find persons"
  persons(ethnicity: String, limit: Int): [Person!]!
}
type Person {
  id: ID!
  """the race"""
  race: Race
}
enum Race {
  WHITE
  BLACK
}
'''

XSD = """\
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="PersonObject">
    <xs:annotation><xs:documentation>人员对象</xs:documentation></xs:annotation>
    <xs:sequence>
      <xs:element name="EthicCode" type="xs:string"/>
      <xs:element name="SkinColor" type="SkinColorType"/>
    </xs:sequence>
  </xs:complexType>
  <xs:simpleType name="SkinColorType"><xs:restriction base="xs:string">
    <xs:enumeration value="1"/></xs:restriction></xs:simpleType>
</xs:schema>
"""

WSDL = """\
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <types><xs:schema>
    <xs:complexType name="FaceInfo"><xs:sequence>
      <xs:element name="race" type="xs:string"/>
    </xs:sequence></xs:complexType>
  </xs:schema></types>
  <message name="DetectOut"><part name="faces" type="FaceInfo"/></message>
  <portType name="P"><operation name="DetectFace">
    <output message="DetectOut"/>
  </operation></portType>
</definitions>
"""

SAMPLES = {
    "a.sql": SQL,
    "api.yaml": OPENAPI_YAML,
    "api.json": OPENAPI_JSON,
    "x.proto": PROTO,
    "x.graphql": GRAPHQL,
    "x.xsd": XSD,
    "x.wsdl": WSDL,
}


def _parse(path: str, text: str) -> Schema:
    s = parse_schema(path, text)
    assert s is not None
    return s


def _by_name(s: Schema, name: str) -> Container:
    return next(c for c in s.containers if c.name == name)


def _fields(c: Container) -> dict[str, tuple[int, str]]:
    return {f.name: (f.line, f.description) for f in c.fields}


def test_sql_tables_columns_comments_and_enums() -> None:
    s = _parse("db/a.sql", SQL)
    t = _by_name(s, "captured_person")
    assert (t.kind, t.line, t.end) == ("table", 1, 8)
    assert t.description == "人员抓拍记录 抓拍人员"
    f = _fields(t)
    assert f["ethic_code"] == (3, "民族代码")
    assert f["skin"] == (4, "肤色 肤色代码")  # trailing comment, then COMMENT ON COLUMN
    assert [x.enum for x in t.fields if x.name in ("skin", "race")] == [
        ("1", "2"),
        ("white", "black"),
    ]
    assert 10 in t.extra_lines and s.container_at(10) is t
    e = _by_name(s, "race_type")
    assert e.kind == "enum" and [x.name for x in e.fields] == ["asian", "black"]


def test_a_table_commented_out_is_no_table() -> None:
    """``--create table`` and a table inside ``/* */`` define nothing: their ``--);``
    closes nothing, so they must not hold every line below them."""
    text = (
        "--create table old_log (\n--  id int\n--);\n"
        "/* create table older_log (\n  id int\n); */\n"
        "create table person (\n  id int,\n  ethnicity varchar(2)\n);\n"
        "create sequence s_person;\n"
    )
    s = _parse("db/a.sql", text)
    assert [c.name for c in s.containers] == ["person"]
    assert s.container_at(7) is _by_name(s, "person")
    assert s.container_at(10) is None


def test_doc_comment_above_a_declaration_belongs_to_it() -> None:
    s = _parse("db/a.sql", SQL)
    assert s.container_at(0) is _by_name(s, "captured_person")  # "-- 人员抓拍记录"
    p = _parse("x.proto", PROTO)
    assert p.container_at(1) is _by_name(p, "FaceService")  # "// Face service"
    assert p.container_at(6) is _by_name(p, "DetectResponse")  # a field's comment, inside


def test_openapi_yaml_roles_operations_and_refs() -> None:
    s = _parse("api.yaml", OPENAPI_YAML)
    face = _by_name(s, "FaceResult")
    assert face.role is Role.RESPONSE and face.operation.startswith("POST /face/detect detectFace")
    assert _fields(face)["race"][0] == 22
    assert face.fields[0].enum == ("asian", "white")
    params = _by_name(s, "parameters")
    assert params.role is Role.FILTER and _fields(params)["ethicCode"][0] == 15
    assert "search persons" in params.operation


def test_openapi_json_with_tabs_keeps_lines() -> None:
    s = _parse("api.json", OPENAPI_JSON)
    (c,) = s.containers
    assert c.role is Role.REQUEST and c.name == "searchFaces"
    assert _fields(c)["race"][0] == 5


def test_proto_messages_enums_and_rpc_roles() -> None:
    s = _parse("x.proto", PROTO)
    assert _by_name(s, "DetectResponse").role is Role.RESPONSE
    face = _by_name(s, "Face")
    assert (face.line, face.end) == (9, 12)
    assert _fields(face)["race"] == (10, "种族")
    assert [u.name for u in face.used_by] == ["DetectResponse"]
    enum = _by_name(s, "RaceType")
    assert enum.kind == "enum" and _fields(enum)["RACE_WHITE"][0] == 15
    assert [u.name for u in enum.used_by] == ["Face"] and enum.role is Role.RESPONSE
    assert _fields(_by_name(s, "DetectResponse"))["faces"] == (7, "the faces found")


def test_graphql_arguments_are_filters_and_return_types_responses() -> None:
    s = _parse("x.graphql", GRAPHQL)
    op = next(c for c in s.containers if c.kind == "operation")
    assert op.role is Role.FILTER and _fields(op)["ethnicity"][0] == 2
    assert op.result is _by_name(s, "Person") and "race" in op.text().split()
    person = _by_name(s, "Person")
    assert person.role is Role.RESPONSE and _fields(person)["race"] == (7, "the race")
    assert [f.name for f in _by_name(s, "Race").fields] == ["WHITE", "BLACK"]


def test_xsd_complex_types_documentation_and_enums() -> None:
    s = _parse("x.xsd", XSD)
    p = _by_name(s, "PersonObject")
    assert (p.line, p.end, p.description) == (2, 8, "人员对象")
    assert _fields(p)["EthicCode"][0] == 5
    assert _by_name(s, "SkinColorType").used_by == [p]


def test_wsdl_output_message_makes_a_response() -> None:
    s = _parse("x.wsdl", WSDL)
    info = _by_name(s, "FaceInfo")
    assert info.role is Role.RESPONSE and info.operation == "DetectFace"
    assert _fields(info)["race"][0] == 3


def test_xml_with_a_doctype_is_not_read() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>'
    assert parse_schema("x.xsd", bomb) is None


def test_yaml_alias_bomb_is_walked_once() -> None:
    lines = ["openapi: 3.0.0", "a0: &a0 {type: object, properties: {race: {type: string}}}"]
    for i in range(1, 25):
        lines.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]")
    t0 = time.perf_counter()
    s = parse_schema("bomb.yaml", "\n".join(lines))
    assert time.perf_counter() - t0 < 1.0
    assert s is not None and len(s.containers) == 1


@pytest.mark.parametrize(
    ("path", "text", "fmt"),
    [
        ("data/countries.json", '{"fr": {"name": "France"}}', None),
        ("db/queries/report.sql", "SELECT race FROM t;", None),
        ("schema.json", '{"$schema": "x", "properties": {}}', "openapi"),
        ("conf/app.yaml", "type: object\nproperties:\n  a: {}\n", "openapi"),
        ("x.gql", "", "graphql"),
        ("svc.wsdl", "", "xsd"),
    ],
)
def test_format_from_suffix_and_content(path: str, text: str, fmt: str | None) -> None:
    assert schema_format(path, text) == fmt


@pytest.mark.parametrize("path", sorted(SAMPLES))
def test_truncated_and_random_input_never_raises(path: str) -> None:
    text = SAMPLES[path]
    rng = random.Random(path)
    for cut in range(0, len(text), max(1, len(text) // 40)):
        parse_schema(path, text[:cut])
    alphabet = "{}[]()<>:;,='\"`-/#*\n\t abcRACE民族_0123456789"
    for _ in range(60):
        junk = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        parse_schema(path, junk)
        mixed = list(text)
        for _ in range(10):
            mixed[rng.randrange(len(mixed))] = rng.choice(alphabet)
        parse_schema(path, "".join(mixed))


def test_enum_of_a_schema_is_one_finding_with_its_users() -> None:
    text = PROTO.replace("RACE_WHITE = 1;", "RACE_WHITE = 1;\n  RACE_BLACK = 2;\n  RACE_ASIAN = 3;")
    findings = [f for f in scan_text(text, "face.proto") if f.location.line >= 14]
    assert len(findings) == 1
    sig = {s.name: s.detail for s in findings[0].signals}
    assert sig["schema-enum"] == "code table RaceType used by Face"
    assert findings[0].capability.value == "inference"


def test_structure_replaces_the_line_window() -> None:
    """The same column is a record in an employee table and a search field in a
    capture table of the same file, whatever lines surround it."""
    text = (
        "CREATE TABLE employee (\n  id INT,\n  ethnicity VARCHAR(8)\n);\n"
        "CREATE TABLE face_capture (\n  id INT,\n  ethnicity VARCHAR(8)\n);\n"
    )
    got = {(f.location.line, f.capability.value) for f in scan_text(text, "db/x.sql")}
    assert got == {(3, "record"), (7, "search")}
    f = next(f for f in scan_text(text, "db/x.sql") if f.location.line == 7)
    assert any(s.name == "schema-container" for s in f.signals)


def test_non_schema_text_is_unchanged_by_structure() -> None:
    text = "CREATE TABLE employee (\n  id INT,\n  ethnicity VARCHAR(8)\n);\n"
    as_txt = scan_text(text, "notes.txt")
    assert all(not s.name.startswith("schema-") for f in as_txt for s in f.signals)


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("FaceSearchRequest", Role.FILTER),
        ("CaptureQuery", Role.FILTER),
        ("person_query", Role.FILTER),
        ("SearchPersonsRequest", Role.REQUEST),
        ("face_attr_result", Role.RESPONSE),
        ("DetectFaceResponse", Role.RESPONSE),
        ("feedback", None),
        ("t_freq", None),
        ("captures", None),
    ],
)
def test_role_from_a_container_name(name: str, role: Role | None) -> None:
    s = _parse("x.proto", f"message {name} {{\n  int32 a = 1;\n}}\n")
    assert s.containers[0].role is role


def test_every_schema_format_has_its_grammar_module() -> None:
    import importlib

    from ethicscan.classify import schema

    formats = {*schema.SCHEMA_SUFFIXES.values(), "openapi"}
    assert set(schema._PARSERS) == formats
    for fmt in formats:
        module = importlib.import_module(f"ethicscan.classify.schema.{fmt}")
        assert schema._PARSERS[fmt] is module.parse


def test_a_ddl_script_under_another_name_is_read_as_sql() -> None:
    """A Subversion copy (``….svn-base``) or a ``.txt`` of DDL is a script of tables; a
    module of code holding DDL in its strings is code, and so is a single statement."""
    ddl = (
        "-- person tables\n"
        "create sequence s_person;\n"
        "create table person (\n   id NUMBER(10) not null,\n   mz VARCHAR2(10)\n);\n"
        "comment on column person.mz is\n'民族';\n"
    )
    for name in ("pristine/1d/1d6a.svn-base", "db/schema.txt", "db/person"):
        schema = parse_schema(name, ddl)
        assert schema is not None and schema.format == "sql", name
        person = next(c for c in schema.containers if c.name == "person")
        assert [f.description for f in person.fields if f.name == "mz"] == ["民族"]
        assert schema.container_at(7) is person  # the note on the line after COMMENT ON
    migration = "import sqlite3\n" + "\n".join(
        f'SQL_{i} = """\ncreate table t{i} (id int);\n"""' for i in range(3)
    )
    assert parse_schema("migrate.py", migration) is None
    assert parse_schema("notes.txt", "create table person (id int, race text);\n") is None
