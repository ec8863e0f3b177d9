import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The file_server handler at handlerPath: its root, index files, hidden files, directory listings
// and precompressed sidecars. Every field writes straight into the document by JSON path.
ColumnLayout {
    id: editor
    required property ConfigDocument document
    required property string handlerPath
    // Re-read when the document changes (an edit elsewhere, undo, a pull).
    readonly property bool browsing: { document.revision; return document.value(handlerPath + ".browse") !== undefined }
    readonly property var precompressedOrder: {
        document.revision
        const text = document.textAt(handlerPath + ".precompressed_order")
        return text === "" ? [] : text.split(", ")
    }

    // The module's console choices for "precompressed" (the handler catalogue); the loader may set
    // them, the default is what file_server's descriptor lists.
    property var encodings: ["br", "gzip", "zstd"]

    spacing: 8

    PathField {
        Layout.fillWidth: true
        document: editor.document
        path: editor.handlerPath + ".root"
        label: qsTr("Root folder")
        placeholder: qsTr("{http.vars.root}, else the working directory")
    }
    PathField {
        Layout.fillWidth: true
        document: editor.document
        path: editor.handlerPath + ".index_names"
        label: qsTr("Index files")
        placeholder: "index.html, index.txt"
        list: true
    }
    PathField {
        Layout.fillWidth: true
        document: editor.document
        path: editor.handlerPath + ".hide"
        label: qsTr("Hidden files (names, paths or globs)")
        placeholder: ".git, *.bak, /srv/site/private"
        list: true
    }

    RowLayout {
        spacing: 10
        CheckBox {
            objectName: "browse"
            text: qsTr("List directories without an index file")
            checked: editor.browsing
            onToggled: checked ? editor.document.setValue(editor.handlerPath + ".browse", ({}))
                               : editor.document.remove(editor.handlerPath + ".browse")
        }
        PathField {
            Layout.fillWidth: true
            visible: editor.browsing
            document: editor.document
            path: editor.handlerPath + ".browse.template_file"
            placeholder: qsTr("built-in listing page")
        }
    }

    Label { text: qsTr("Precompressed files (served in preference order when the client accepts them)"); font.pixelSize: 12; color: palette.placeholderText }
    RowLayout {
        spacing: 10
        Repeater {
            model: editor.encodings
            delegate: CheckBox {
                required property string modelData
                objectName: "precompressed:" + modelData
                text: modelData + (editor.precompressedOrder.indexOf(modelData) >= 0 ? " (" + (editor.precompressedOrder.indexOf(modelData) + 1) + ")" : "")
                checked: editor.precompressedOrder.indexOf(modelData) >= 0
                onToggled: {
                    const order = editor.precompressedOrder.filter(name => name !== modelData)
                    if (checked) order.push(modelData)
                    if (checked) editor.document.setValue(editor.handlerPath + ".precompressed." + modelData, ({}))
                    else editor.document.remove(editor.handlerPath + ".precompressed." + modelData)
                    editor.document.setList(editor.handlerPath + ".precompressed_order", order.join(","))
                    if (order.length === 0) editor.document.remove(editor.handlerPath + ".precompressed")
                }
            }
        }
    }
}
