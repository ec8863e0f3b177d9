import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A rate_limit handler: how much (algorithm, rate, burst or window), per what (key), what happens
// past it (a status, a delay, a dropped connection) and the Redis that shares it between ProxFlow
// processes. Choices and defaults are RateLimitPolicy's (the engine's catalogue and config
// defaults); plain values are PathFields on the handler's JSON paths. The engine validates every edit
// as you type and its error shows under the field it names.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    readonly property int columns: width >= 820 ? 4 : 2
    readonly property real cellWidth: (width - (columns - 1) * 12) / columns

    spacing: 6

    RateLimitPolicy {
        id: policy
        document: root.document
        handlerPath: root.handlerPath
    }

    component Section: Label {
        font.bold: true
        Layout.topMargin: 6
    }

    Label {
        objectName: "rateLimitSummary"
        Layout.fillWidth: true
        visible: text !== ""
        text: policy.summary
        wrapMode: Text.Wrap
        color: palette.placeholderText
    }

    Section { text: qsTr("Limit") }
    GridLayout {
        Layout.fillWidth: true
        columns: root.columns
        columnSpacing: 12
        rowSpacing: 6
        ChoiceField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".algorithm"
            label: qsTr("Algorithm")
            choices: policy.algorithms
            current: policy.algorithm
            onChosen: value => policy.algorithm = value
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".rate"
            label: qsTr("Rate (10, 10/s, 600/m)")
            placeholder: qsTr("required")
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.usesBurst
            document: root.document
            path: root.handlerPath + ".burst"
            label: qsTr("Burst")
            placeholder: policy.defaults.burst !== undefined ? policy.defaults.burst : ""
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.usesWindow
            document: root.document
            path: root.handlerPath + ".window"
            label: qsTr("Window")
            placeholder: policy.defaults.window
            duration: true
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".zone"
            label: qsTr("Zone (metrics name)")
            placeholder: policy.defaults.zone !== undefined ? policy.defaults.zone : ""
        }
    }

    Section { text: qsTr("One limit per") }
    GridLayout {
        Layout.fillWidth: true
        columns: root.columns
        columnSpacing: 12
        rowSpacing: 6
        ChoiceField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: policy.keyKind === "placeholder" ? "" : root.handlerPath + ".key"
            label: qsTr("Key")
            choices: policy.keyKinds
            current: policy.keyKind
            onChosen: value => policy.keyKind = value
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.keyKind === "header"
            spacing: 2
            Label { text: qsTr("Header name"); font.pixelSize: 12; color: palette.placeholderText }
            TextField {
                id: keyHeader
                objectName: "keyHeader"
                Layout.fillWidth: true
                selectByMouse: true
                placeholderText: "X-Tenant"
                Component.onCompleted: text = policy.keyHeader
                onTextEdited: policy.keyHeader = text
                Connections {
                    target: policy
                    function onChanged() {
                        if (keyHeader.text.trim() !== policy.keyHeader)
                            keyHeader.text = policy.keyHeader
                    }
                }
            }
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.keyKind === "placeholder"
            document: root.document
            path: root.handlerPath + ".key"
            label: qsTr("Placeholder text")
            placeholder: "{http.request.header.X-Tenant}"
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.keyKind === "api_key"
            document: root.document
            path: root.handlerPath + ".api_key_header"
            label: qsTr("API key header")
            placeholder: policy.defaults.api_key_header
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.keyKind === "api_key"
            document: root.document
            path: root.handlerPath + ".api_key_query"
            label: qsTr("or query argument")
            placeholder: policy.defaults.api_key_query
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".max_keys"
            label: qsTr("Keys tracked at most")
            placeholder: policy.defaults.max_keys
        }
    }

    Section { text: qsTr("Past the limit") }
    GridLayout {
        Layout.fillWidth: true
        columns: root.columns
        columnSpacing: 12
        rowSpacing: 6
        ChoiceField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: policy.rejectKind === "status" ? "" : root.handlerPath + ".reject"
            label: qsTr("Rejection")
            choices: policy.rejectKinds
            current: policy.rejectKind
            onChosen: value => policy.rejectKind = value
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.rejectKind === "status"
            document: root.document
            path: root.handlerPath + ".reject"
            label: qsTr("Status")
            placeholder: policy.defaults.status
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            visible: policy.rejectKind === "delay"
            document: root.document
            path: root.handlerPath + ".max_delay"
            label: qsTr("Longest wait (then 429)")
            placeholder: policy.defaults.max_delay
            duration: true
        }
    }

    RowLayout {
        Layout.topMargin: 6
        Layout.fillWidth: true
        Switch {
            objectName: "distributed"
            text: qsTr("Share the limit between ProxFlow processes through Redis")
            checked: policy.distributed
            onToggled: {
                policy.distributed = checked
                checked = Qt.binding(() => policy.distributed) // the document decides, also after undo
            }
        }
    }
    GridLayout {
        Layout.fillWidth: true
        visible: policy.distributed
        columns: root.columns
        columnSpacing: 12
        rowSpacing: 6
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".distributed.redis.address"
            label: qsTr("Redis address")
            placeholder: policy.defaults.address
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".distributed.redis.password"
            label: qsTr("Password")
            placeholder: qsTr("none")
            field.echoMode: TextInput.PasswordEchoOnEdit
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".distributed.redis.db"
            label: qsTr("Database")
            placeholder: "0"
        }
        PathField {
            Layout.fillWidth: true
            Layout.preferredWidth: root.cellWidth
            Layout.maximumWidth: root.cellWidth
            Layout.alignment: Qt.AlignTop
            document: root.document
            path: root.handlerPath + ".distributed.sync_interval"
            label: qsTr("Sync every (0: decide in Redis)")
            placeholder: policy.defaults.sync_interval
            duration: true
        }
        CheckBox {
            objectName: "failClosed"
            Layout.columnSpan: root.columns
            text: qsTr("Fail closed: while Redis is unreachable, reject instead of limiting locally")
            checked: { root.document.revision; return root.document.value(root.handlerPath + ".distributed.fail_closed") === true }
            onToggled: checked ? root.document.setValue(root.handlerPath + ".distributed.fail_closed", true)
                               : root.document.remove(root.handlerPath + ".distributed.fail_closed")
        }
    }
}
