using NextBestAction.Contracts;

namespace NextBestAction.Profiles;

/// <summary>Service contacts: contact moments and first time right.</summary>
public sealed partial class ProfileUpdater
{
    private static bool OpenContact(CustomerProfile profile, ServiceContactOpenedData d, DateTimeOffset t)
    {
        if (profile.OpenContacts.Any(c => c.TicketId == d.TicketId))
        {
            return false;
        }

        profile.ContactMoments++;
        if (!profile.ResolvedTickets.ContainsKey(d.TicketId!))
        {
            InsertByTime(profile.OpenContacts, new OpenContact(d.TicketId!, d.Channel!, d.Topic!, t), c => c.OpenedAt, ProfileLimits.OpenContacts);
        }

        return true;
    }

    /// <summary>
    /// A resolution with <c>contacts</c> = n means n contacts in all; the opening counted one, so n - 1 more
    /// are counted here. One contact means first time right.
    /// </summary>
    private static bool ResolveContact(CustomerProfile profile, ServiceContactResolvedData d, DateTimeOffset t)
    {
        if (profile.ResolvedTickets.ContainsKey(d.TicketId!))
        {
            return false;
        }

        profile.ResolvedTickets[d.TicketId!] = t;
        TrimOldest(profile.ResolvedTickets, at => at, ProfileLimits.Tombstones);
        profile.OpenContacts.RemoveAll(c => c.TicketId == d.TicketId);
        profile.ResolvedContacts++;
        profile.ContactMoments += d.Contacts!.Value - 1;
        if (d.Contacts == 1)
        {
            profile.FirstTimeRightContacts++;
        }

        return true;
    }
}
