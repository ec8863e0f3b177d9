import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// One route: what it matches (hosts, paths, a header), the policies in front (rate limits) and what
// it does, each shown by the editor its module brings.
Frame {
    id: editor
    required property ConfigDocument document
    property string routePath
    // The route's handlers in order ([{path, handler, label, policy}]); one is edited at a time.
    readonly property var handlers: document.revision >= 0 ? document.handlersOf(routePath) : []
    property int chosenIndex: -1 // picked in the strip; -1: what the route does (its first non-policy)
    readonly property int handlerIndex: chosenIndex >= 0 && chosenIndex < handlers.length
                                        ? chosenIndex : (document.revision >= 0 ? document.mainHandlerIndex(routePath) : 0)
    readonly property string handlerPath: routePath + ".handle[" + handlerIndex + "]"
    readonly property string handler: document.revision >= 0 ? document.textAt(handlerPath + ".handler") : ""
    readonly property bool editingPolicy: handlerIndex < handlers.length && handlers[handlerIndex].policy

    onRoutePathChanged: chosenIndex = -1
    // Shows the handler at path (a policy just attached) in the editor below.
    function show(path) {
        for (let i = 0; i < handlers.length; ++i)
            if (handlers[i].path === path) chosenIndex = i
    }
    // Scrolls the handler's editor into view as far as it goes (the screenshot tour's long editors).
    function scrollToEnd() {
        scroll.contentItem.contentY = Math.max(0, scroll.contentHeight - scroll.availableHeight)
    }

    ScrollView {
        id: scroll
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

            // The route's handlers in the order they run, when there is more than one: a click edits it.
            RowLayout {
                objectName: "handlerStrip"
                visible: editor.handlers.length > 1
                spacing: 4
                Label { text: qsTr("Runs"); font.bold: true; Layout.rightMargin: 6 }
                Repeater {
                    model: editor.handlers
                    delegate: RowLayout {
                        required property var modelData
                        required property int index
                        spacing: 4
                        Label { text: "→"; visible: index > 0; color: palette.placeholderText }
                        Button {
                            objectName: "handlerStep:" + index
                            text: (modelData.policy ? "◆ " : "") + modelData.label
                            highlighted: index === editor.handlerIndex
                            flat: !highlighted
                            onClicked: editor.chosenIndex = index
                        }
                    }
                }
            }

            RowLayout {
                Label { text: editor.editingPolicy ? qsTr("Policy") : qsTr("Then"); font.bold: true }
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
                ToolButton {
                    objectName: "removePolicy"
                    visible: editor.editingPolicy && editor.handlers.length > 1
                    text: qsTr("Remove policy")
                    onClicked: {
                        editor.document.remove(editor.handlerPath)
                        editor.chosenIndex = -1
                    }
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
