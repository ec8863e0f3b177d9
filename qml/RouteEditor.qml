import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// One route: what it matches (hosts, paths, a header) and what it does (its first handler).
Frame {
    id: editor
    required property ConfigDocument document
    property string routePath
    readonly property string handlerPath: routePath + ".handle[0]"
    readonly property string kind: {
        document.revision
        const name = document.textAt(handlerPath + ".handler")
        if (name === "static_response" && document.textAt(handlerPath + ".headers.Location") !== "") return "redirect"
        return name
    }

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
                        text: editor.document.errorPath, editor.document.errorFor(editor.routePath + ".match[0].header")
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
                    model: ["reverse_proxy", "static_response", "redirect"]
                    currentIndex: Math.max(0, model.indexOf(editor.kind))
                    onActivated: editor.document.setHandlerType(editor.handlerPath, currentText)
                }
                Label {
                    visible: editor.kind !== "" && kindBox.model.indexOf(editor.kind) < 0
                    text: qsTr("(this route runs “%1”; edit it in the Caddyfile view)").arg(editor.kind)
                }
            }

            RowLayout {
                visible: editor.kind === "static_response" || editor.kind === "redirect"
                spacing: 10
                PathField {
                    Layout.preferredWidth: 120
                    document: editor.document
                    path: editor.handlerPath + ".status_code"
                    label: qsTr("Status")
                }
                PathField {
                    Layout.fillWidth: true
                    visible: editor.kind === "static_response"
                    document: editor.document
                    path: editor.handlerPath + ".body"
                    label: qsTr("Body")
                }
                PathField {
                    Layout.fillWidth: true
                    visible: editor.kind === "redirect"
                    document: editor.document
                    path: editor.handlerPath + ".headers.Location[0]"
                    label: qsTr("Redirect to")
                }
            }

            ColumnLayout {
                visible: editor.kind === "reverse_proxy"
                spacing: 6
                Label {
                    text: {
                        editor.document.revision
                        const n = editor.document.count(editor.handlerPath + ".upstreams")
                        return n === 0 ? qsTr("No upstreams yet: add the address of a server to send requests to.")
                                       : qsTr("%1 upstream(s); policy, health checks and live state are in the Upstreams view.").arg(n)
                    }
                    color: palette.placeholderText
                }
                Label {
                    visible: text !== ""
                    text: editor.document.errorPath, editor.document.errorFor(editor.handlerPath + ".upstreams")
                    color: "#dc2626"
                }
                RowLayout {
                    TextField {
                        id: dial
                        objectName: "routeUpstreamDial"
                        placeholderText: "127.0.0.1:9000"
                        Layout.preferredWidth: 220
                    }
                    Button {
                        objectName: "routeAddUpstream"
                        text: qsTr("Add upstream")
                        enabled: dial.text !== ""
                        onClicked: { editor.document.addUpstream(editor.handlerPath, dial.text); dial.text = "" }
                    }
                }
            }
        }
    }
}
