import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// A reverse_proxy handler in the route editor: its upstreams at a glance and adding one, the
// load-balancing policy (with the adaptive policy's options), and the circuit breaker. Health checks,
// the other policies' options and live state are in the Upstreams view.
ColumnLayout {
    id: root
    required property ConfigDocument document
    required property string handlerPath
    readonly property int columns: width >= 820 ? 4 : 2
    readonly property string selectionPolicy: handlerPath + ".load_balancing.selection_policy"
    spacing: 6

    component Section: Label {
        font.bold: true
        Layout.topMargin: 6
    }

    Label {
        objectName: "upstreamSummary"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        readonly property int upstreams: root.document.revision >= 0 ? root.document.count(root.handlerPath + ".upstreams") : 0
        text: upstreams === 0 ? qsTr("No upstreams yet: add the address of a server to send requests to.")
                              : qsTr("%1 upstream(s); health checks and live state are in the Upstreams view.").arg(upstreams)
        color: palette.placeholderText
    }
    Label {
        visible: text !== ""
        text: root.document.errorPath !== undefined ? root.document.errorFor(root.handlerPath + ".upstreams") : ""
        color: "#dc2626"
    }
    RowLayout {
        TextField {
            id: dial
            objectName: "routeUpstreamDial"
            placeholderText: "127.0.0.1:9000"
            Layout.preferredWidth: 220
            onAccepted: add.clicked()
        }
        Button {
            id: add
            objectName: "routeAddUpstream"
            text: qsTr("Add upstream")
            enabled: dial.text !== ""
            onClicked: { root.document.addUpstream(root.handlerPath, dial.text); dial.text = "" }
        }
    }

    Section { text: qsTr("Load balancing") }
    ChoiceField {
        Layout.fillWidth: true
        Layout.maximumWidth: 320
        document: root.document
        path: root.selectionPolicy + ".policy"
        label: qsTr("Policy")
        choices: HandlerCatalogue.choices("reverse_proxy", "selection_policy").map(p => ({ value: p, label: p.replace(/_/g, " ") }))
        current: { root.document.revision; return root.document.textAt(root.selectionPolicy + ".policy") || "random" }
        // A new policy starts without the old one's options, which it would refuse.
        onChosen: value => root.document.setValue(root.selectionPolicy, { policy: value })
    }
    AdaptivePolicyFields {
        Layout.fillWidth: true
        document: root.document
        handlerPath: root.handlerPath
    }

    Section { text: qsTr("Circuit breaker") }
    CircuitBreakerFields {
        Layout.fillWidth: true
        document: root.document
        handlerPath: root.handlerPath
        columns: root.columns
    }
}
