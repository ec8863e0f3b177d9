import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// One route: what it matches (hosts, paths, a header) and what it does: its first handler, shown by
// the editor its module brings.
Frame {
    id: editor
    required property ConfigDocument document
    property string routePath
    readonly property string handlerPath: routePath + ".handle[0]"
    readonly property string handler: document.revision >= 0 ? document.textAt(handlerPath + ".handler") : ""

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: parent.width
            spacing: 8

            Label { text: qsTr("Match"); font.bold: true }
            RowLayout {
                spacing: 10
                PathField {
                    Layout.fillWidth: true
                    document: editor.document
                    path: editor.routePath + ".match[0].host"
                    label: qsTr("Hostnames")
                    placeholder: qsTr("any host")
                    list: true
                }
                PathField {
                    Layout.fillWidth: true
                    document: editor.document
                    path: editor.routePath + ".match[0].path"
                    label: qsTr("Paths")
                    placeholder: "/api/*"
                    list: true
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 2
                    Label { text: qsTr("Header"); font.pixelSize: 12; color: palette.placeholderText }
                    TextField {
                        id: header
                        objectName: "headerMatch"
                        Layout.fillWidth: true
                        placeholderText: "X-Canary: 1"
                        selectByMouse: true
                        // Follows the document (another route, undo, a pull) without fighting the
                        // user's typing: only text that means something else is replaced.
                        function current() { return editor.document.headerMatchText(editor.routePath) }
                        function normalized() {
                            const colon = text.indexOf(":")
                            const name = (colon < 0 ? text : text.slice(0, colon)).trim()
                            return name === "" ? "" : name + ": " + (colon < 0 ? "" : text.slice(colon + 1).trim())
                        }
                        Component.onCompleted: text = current()
                        onTextEdited: editor.document.setHeaderMatch(editor.routePath, text)
                        Connections {
                            target: editor.document
                            function onChanged() {
                                if (header.normalized() !== header.current())
                                    header.text = header.current()
                            }
                        }
                        Connections {
                            target: editor
                            function onRoutePathChanged() { header.text = header.current() }
                        }
                    }
                    Label {
                        visible: text !== ""
                        text: editor.document.errorPath !== undefined ? editor.document.errorFor(editor.routePath + ".match[0].header") : ""
                        color: "#dc2626"
                        font.pixelSize: 12
                    }
                }
            }

            RowLayout {
                Label { text: qsTr("Then"); font.bold: true }
                ComboBox {
                    id: kindBox
                    objectName: "handlerKind"
                    Layout.preferredWidth: 220
                    model: HandlerCatalogue
                    textRole: "label"
                    valueRole: "handler"
                    currentIndex: HandlerCatalogue.indexOf(editor.handler)
                    onActivated: index => editor.document.setHandlerType(editor.handlerPath, HandlerCatalogue.get(index).handler)
                }
                Label {
                    objectName: "unknownHandler"
                    visible: editor.handler !== "" && kindBox.currentIndex < 0
                    text: qsTr("(this route runs “%1”)").arg(editor.handler)
                }
                Label {
                    objectName: "notRunBadge"
                    visible: editor.handler !== "" && !HandlerCatalogue.runs(editor.handler)
                    text: qsTr("not run by ProxFlow yet")
                    color: "white"
                    font.pixelSize: 12
                    leftPadding: 8; rightPadding: 8; topPadding: 3; bottomPadding: 3
                    background: Rectangle { color: "#b45309"; radius: 9 }
                }
            }

            // The handler's own editor, by name (qml/editors/<CamelName>Editor.qml), or the generic one.
            Loader {
                id: handlerEditor
                objectName: "handlerEditor"
                Layout.fillWidth: true
                readonly property url editorUrl: HandlerCatalogue.editorFor(editor.handler)
                onEditorUrlChanged: load()
                Component.onCompleted: load()
                function load() {
                    setSource(editorUrl, { document: editor.document, handlerPath: editor.handlerPath })
                }
                Binding { target: handlerEditor.item; property: "handlerPath"; value: editor.handlerPath; when: handlerEditor.item !== null }
                Binding { target: handlerEditor.item; property: "document"; value: editor.document; when: handlerEditor.item !== null }
            }
        }
    }
}
