using NextBestAction.Contracts;

namespace NextBestAction.Simulator;

/// <summary>Orders and after: delivery (some late), returns and customer-service contacts.</summary>
public sealed partial class WebshopModel
{
    private SimulatedEvent PlaceOrder(Customer customer, DateTimeOffset now)
    {
        var orderId = NewReference("ord");
        OrderItem[] items = [.. customer.Cart.Select(l => new OrderItem(
            l.Product.Id, l.Product.Category, l.Product.ProductLine, l.Price, l.Quantity, l.Gift ? true : null))];
        var total = CartValue(customer.Cart);
        customer.Cart.Clear();
        var promised = now.AddSeconds(60 + random.Next(121));
        customer.OpenOrders.Add((orderId, promised));

        if (random.NextDouble() < 0.03)
        {
            // Cancelled orders are cancelled well before the promise and never delivered.
            Schedule(now.AddSeconds(5 + (random.NextDouble() * 40)), t =>
            {
                customer.CloseOrder(orderId);
                return Event(WebshopSource, EventTypes.OrderCancelled, t, customer.Id, new OrderCancelledData(orderId));
            });
        }
        else
        {
            var deliveredAt = random.NextDouble() < LateDeliveryShare
                ? promised.AddSeconds(10 + random.Next(230))
                : WholeMilliseconds(now + ((promised - now) * (0.4 + (random.NextDouble() * 0.6))));
            Schedule(deliveredAt, t => Deliver(customer, orderId, items, late: deliveredAt > promised, deliveredAt, t));
        }

        return Event(WebshopSource, EventTypes.OrderPlaced, now, customer.Id, new OrderPlacedData(orderId, items, total, "EUR", promised));
    }

    private SimulatedEvent Deliver(Customer customer, string orderId, OrderItem[] items, bool late, DateTimeOffset deliveredAt, DateTimeOffset now)
    {
        customer.CloseOrder(orderId);
        if (late)
        {
            Customer.Remember(customer.LateDeliveries, deliveredAt);
        }

        if (random.NextDouble() < 0.05)
        {
            var productId = items[random.Next(items.Length)].ProductId!;
            Schedule(now.AddSeconds(30 + random.Next(270)), t => Return(customer, orderId, productId, t));
        }

        // A broken promise is what makes people call.
        if (random.NextDouble() < (late ? 0.4 : 0.02))
        {
            Schedule(now.AddSeconds(5 + random.Next(55)), t => OpenContact(customer, late ? "delivery" : "product", late, t));
        }

        return Event(WebshopSource, EventTypes.OrderDelivered, now, customer.Id, new OrderDeliveredData(orderId, deliveredAt));
    }

    private SimulatedEvent Return(Customer customer, string orderId, string productId, DateTimeOffset now)
    {
        Customer.Remember(customer.Returns, now);
        if (random.NextDouble() < 0.2)
        {
            Schedule(now.AddSeconds(5 + random.Next(55)), t => OpenContact(customer, "return", afterLateDelivery: false, t));
        }

        return Event(WebshopSource, EventTypes.OrderReturned, now, customer.Id,
            new OrderReturnedData(orderId, productId, ReturnReasons[random.Next(ReturnReasons.Length)]));
    }

    private SimulatedEvent OpenContact(Customer customer, string topic, bool afterLateDelivery, DateTimeOffset now)
    {
        var ticketId = NewReference("tkt");
        var firstTimeRight = random.NextDouble() < (afterLateDelivery ? 0.6 : 0.72);
        var contacts = firstTimeRight ? 1 : random.NextDouble() < 0.65 ? 2 : 3;
        customer.OpenContacts++;
        Schedule(now.AddSeconds(contacts * (30 + random.Next(150))), t =>
        {
            customer.OpenContacts--;
            if (contacts > 1)
            {
                Customer.Remember(customer.RepeatedContacts, t);
            }

            return Event(ServiceSource, EventTypes.ServiceContactResolved, t, customer.Id, new ServiceContactResolvedData(ticketId, contacts));
        });
        return Event(ServiceSource, EventTypes.ServiceContactOpened, now, customer.Id,
            new ServiceContactOpenedData(ticketId, ContactChannels[random.Next(ContactChannels.Length)], topic));
    }
}
