from xml.etree import ElementTree as ET

FORMAT = "xml"
MEDIA_TYPE = "application/xml"


def render(rows: list[dict]) -> bytes:
    root = ET.Element("rows")
    for row in rows:
        element = ET.SubElement(root, "row")
        for key, value in row.items():
            ET.SubElement(element, key).text = str(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
