"""The operations that span apps, one function each, in one transaction, called by every edge
(the API, the cockpit, the CLI through the API, the scheduler, chat and intake):

    declare.declare               open an incident, its war room and public page; start the playbook
    status.change_status          a status update: the public entry, subscribers, the playbook, support
    status.resolve                the same, to resolved
    roles.assign_role             hand a role over (the stand-ins and the playbook follow)
    entries.add_entry, …          public entries give the people they name a stand-in
    live_stream.approve, veto     the war room made live, or not (G11)
    messages.approve, reject      a drafted message goes out, or not; the playbook follows
    postmortem.publish            the post-mortem goes public; the incident ends
    outage_issue.export           the outage issue opened or updated in a tracker, now

An app's own services do single-app work; reading a flow tells what an operation does, in order
(docs/architecture.md).
"""
