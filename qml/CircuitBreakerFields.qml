import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A reverse_proxy handler's circuit breaker: on or off, and its eight settings, each a PathField on
// HANDLER.circuit_breaker.FIELD with the engine's default as placeholder and the engine's error for
// that path under it. Shared by the route editor (ReverseProxyEditor) and the Upstreams view.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    property int columns: 2
    readonly property string breaker: settings.breakerPath

    spacing: 6

    ResilienceSettings {
        id: settings
        document: root.document
        handlerPath: root.handlerPath
    }

    Switch {
        objectName: "circuitBreaker"
        Layout.fillWidth: true
        text: qsTr("Stop sending to a failing upstream, then bring it back gradually")
        checked: settings.circuitBreaker
        onToggled: {
            settings.circuitBreaker = checked
            checked = Qt.binding(() => settings.circuitBreaker) // the document decides, also after undo
        }
        contentItem: Label {
            leftPadding: parent.indicator.width + parent.spacing
            text: parent.text
            wrapMode: Text.Wrap
            verticalAlignment: Text.AlignVCenter
        }
    }
    Label {
        objectName: "error:" + root.breaker
        Layout.fillWidth: true
        // An error on the object itself (its type); a field's error shows under the field.
        visible: text !== ""
        text: root.document.errorPath === root.breaker || root.document.errorPath === root.breaker + ".type"
              ? root.document.errorMessage : ""
        color: "#dc2626"
        font.pixelSize: 12
        wrapMode: Text.Wrap
    }

    GridLayout {
        Layout.fillWidth: true
        visible: settings.circuitBreaker
        columns: root.columns
        columnSpacing: 12
        rowSpacing: 6
        Repeater {
            model: [{ key: "failure_threshold", label: qsTr("Opens at failure rate (0–1)"), number: true },
                    { key: "min_requests", label: qsTr("…over at least (requests)") },
                    { key: "evaluation_window", label: qsTr("Window (sliding)"), duration: true },
                    { key: "latency_threshold", label: qsTr("Slower than this fails"), duration: true },
                    { key: "failure_status", label: qsTr("Failing statuses (5 = 5xx)"), list: true },
                    { key: "recovery_timeout", label: qsTr("Open for (then half-open)"), duration: true },
                    { key: "half_open_max_requests", label: qsTr("Half-open trial requests") },
                    { key: "ramp_up_duration", label: qsTr("Ramp-up over (0: none)"), duration: true }]
            PathField {
                required property var modelData
                Layout.fillWidth: true
                Layout.preferredWidth: 100 // equal shares of the row
                Layout.alignment: Qt.AlignTop
                document: root.document
                path: root.breaker + "." + modelData.key
                label: modelData.label
                placeholder: settings.defaults[modelData.key]
                number: modelData.number === true
                duration: modelData.duration === true
                list: modelData.list === true
            }
        }
    }
}
