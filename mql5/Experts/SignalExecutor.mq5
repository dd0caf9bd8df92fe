//+------------------------------------------------------------------+
//| SignalExecutor.mq5 - trades the signals the Tick Engine queues.   |
//|                                                                  |
//| Polls GET /signals/next, checks the signal (symbol, expiry,       |
//| spread, size, price limits), trades it with CTrade and reports    |
//| with POST /signals/ack. Every outcome is written to a file before |
//| the ack, and each order carries the signal id in its comment: a   |
//| signal delivered again (an ack that was lost, a restart) is acked |
//| again from the record and never traded twice.                     |
//+------------------------------------------------------------------+
#property copyright "Tick Engine"
#property version   "1.00"
#property strict

#include <Trade/Trade.mqh>
#include <TickEngine/Http.mqh>
#include <TickEngine/Json.mqh>
#include <TickEngine/Symbols.mqh>

input string InpBaseUrl         = "http://127.0.0.1:18001"; // Engine base URL
input string InpApiKey          = "";      // API key (scope signals)
input string InpConsumer        = "";      // Consumer id; empty = "exec-" + account login
input string InpSymbolFilter    = "";      // Only this canonical symbol; empty = any
input string InpSymbolMap       = "";      // Broker=canonical names, e.g. EURUSD.m=EURUSD
input int    InpPollMs          = 1000;    // How often to ask for a signal
input long   InpMagic           = 26001;   // Magic number of the orders
input int    InpDeviationPoints = 20;      // Allowed slippage in points
input double InpMaxSize         = 1.0;     // Largest volume (lots) ever traded
input int    InpMaxSpreadPoints = 30;      // Refuse to trade above this spread
input int    InpTimeoutMs       = 5000;    // WebRequest timeout

CTrade    g_trade;
string    g_consumer;
string    g_journal;      // file of outcomes: signal_id;result;ticket;price;retcode;message
TeBackoff g_backoff;
long      g_executed = 0;
string    g_lastError = "";

int OnInit()
  {
   g_consumer = InpConsumer != "" ? InpConsumer : "exec-" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN));
   g_journal = "TickEngine\\executor_" + g_consumer + ".txt";
   g_trade.SetExpertMagicNumber((ulong)InpMagic);
   g_trade.SetDeviationInPoints((ulong)InpDeviationPoints);
   TeBackoffReset(g_backoff);
   EventSetMillisecondTimer(MathMax(100, InpPollMs));
   PrintFormat("SignalExecutor started [consumer=%s, magic=%I64d]", g_consumer, InpMagic);
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   Comment("");
  }

void OnTimer()
  {
   if(!TeBackoffReady(g_backoff))
      return;
   string url = InpBaseUrl + "/signals/next?consumer=" + g_consumer
                + (InpSymbolFilter != "" ? "&symbol=" + InpSymbolFilter : "");
   TeResponse response;
   int retryAfter = 0;
   if(!TeRequest("GET", url, InpApiKey, "", "", InpTimeoutMs, response, retryAfter))
     {
      g_lastError = response.error;
      TeBackoffFail(g_backoff, 30000, retryAfter);
      ShowStatus();
      return;
     }
   TeBackoffReset(g_backoff);
   if(response.status == 200)
      Handle(response.body);
   ShowStatus();
  }

//+------------------------------------------------------------------+
//| One leased signal: ack a known outcome again, or trade and ack.   |
//+------------------------------------------------------------------+
void Handle(const string json)
  {
   string signalId = TeJsonGetString(json, "signal_id");
   string leaseId  = TeJsonGetString(json, "lease_id");
   string result, message;
   ulong ticket;
   double price;
   uint retcode;
   if(!Recorded(signalId, result, ticket, price, retcode, message))
     {
      if(!FindOwnDeal(signalId, ticket, price))
         Execute(json, result, ticket, price, retcode, message);
      else
        {
         // Traded by an earlier run that stopped before writing its record.
         result = "executed";
         retcode = TRADE_RETCODE_DONE;
         message = "found the deal of an earlier attempt";
        }
      Record(signalId, result, ticket, price, retcode, message);
     }
   Ack(signalId, leaseId, result, ticket, price, retcode, message);
  }

void Execute(const string json, string &result, ulong &ticket, double &price, uint &retcode, string &message)
  {
   string symbol = TeBrokerSymbol(TeJsonGetString(json, "symbol"), InpSymbolMap);
   string side   = TeJsonGetString(json, "side");
   double size   = TeJsonGetDouble(json, "size", 0);
   double sl     = TeJsonGetDouble(json, "sl", 0);
   double tp     = TeJsonGetDouble(json, "tp", 0);
   double minPx  = TeJsonGetDouble(json, "price_min", 0);
   double maxPx  = TeJsonGetDouble(json, "price_max", 0);
   long validUntil = TeJsonGetLong(json, "valid_until", 0);
   string signalId = TeJsonGetString(json, "signal_id");
   ticket = 0;
   price = 0;
   retcode = 0;
   result = "rejected";
   if(!SymbolSelect(symbol, true))
     {
      message = "unknown symbol " + symbol;
      return;
     }
   if((long)TimeGMT() * 1000 >= validUntil)
     {
      message = "expired";
      return;
     }
   long spread = SymbolInfoInteger(symbol, SYMBOL_SPREAD);
   if(spread > InpMaxSpreadPoints)
     {
      message = "spread " + IntegerToString(spread) + " points above " + IntegerToString(InpMaxSpreadPoints);
      return;
     }
   double step = SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP);
   double volume = MathMin(size, InpMaxSize);
   if(step > 0)
      volume = MathFloor(volume / step) * step;
   if(side != "close" && (volume < SymbolInfoDouble(symbol, SYMBOL_VOLUME_MIN) || size > InpMaxSize))
     {
      message = "size " + DoubleToString(size, 2) + " outside [min volume, InpMaxSize]";
      return;
     }
   double ask = SymbolInfoDouble(symbol, SYMBOL_ASK);
   double bid = SymbolInfoDouble(symbol, SYMBOL_BID);
   double fill = side == "buy" ? ask : bid;
   if((minPx > 0 && fill < minPx) || (maxPx > 0 && fill > maxPx))
     {
      message = "price " + DoubleToString(fill, 8) + " outside the signal's limits";
      return;
     }
   // The signal id in the comment lets a later run find this order even if it stops before recording it.
   string comment = "te:" + signalId;
   bool sent;
   if(side == "buy")
      sent = g_trade.Buy(volume, symbol, 0.0, sl, tp, comment);
   else if(side == "sell")
      sent = g_trade.Sell(volume, symbol, 0.0, sl, tp, comment);
   else
      sent = g_trade.PositionClose(symbol, (ulong)InpDeviationPoints);
   retcode = g_trade.ResultRetcode();
   ticket = g_trade.ResultDeal() != 0 ? g_trade.ResultDeal() : g_trade.ResultOrder();
   price = g_trade.ResultPrice();
   message = g_trade.ResultRetcodeDescription();
   result = (sent && (retcode == TRADE_RETCODE_DONE || retcode == TRADE_RETCODE_PLACED)) ? "executed" : "failed";
   if(result == "executed")
      g_executed++;
  }

void Ack(const string signalId, const string leaseId, const string result, const ulong ticket, const double price,
         const uint retcode, const string message)
  {
   string body = TeJsonAck(signalId, leaseId, g_consumer, result, ticket, price, retcode, message);
   TeResponse response;
   int retryAfter = 0;
   if(!TeRequest("POST", InpBaseUrl + "/signals/ack", InpApiKey, "application/json", body, InpTimeoutMs, response,
                 retryAfter))
     {
      // 409: the lease was lost (it expired and went to someone else): the record keeps us from trading again.
      g_lastError = response.error;
      if(response.status != 409)
         TeBackoffFail(g_backoff, 30000, retryAfter);
     }
  }

//--- Has this signal an outcome already?
bool Recorded(const string signalId, string &result, ulong &ticket, double &price, uint &retcode, string &message)
  {
   if(!FileIsExist(g_journal))
      return false;
   int h = FileOpen(g_journal, FILE_READ | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return false;
   bool found = false;
   while(!FileIsEnding(h))
     {
      string parts[];
      if(StringSplit(FileReadString(h), ';', parts) >= 6 && parts[0] == signalId)
        {
         result = parts[1];
         ticket = (ulong)StringToInteger(parts[2]);
         price = StringToDouble(parts[3]);
         retcode = (uint)StringToInteger(parts[4]);
         message = parts[5];
         found = true;
        }
     }
   FileClose(h);
   return found;
  }

void Record(const string signalId, const string result, const ulong ticket, const double price, const uint retcode,
            const string message)
  {
   int h = FileOpen(g_journal, FILE_READ | FILE_WRITE | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return;
   FileSeek(h, 0, SEEK_END);
   string clean = message;
   StringReplace(clean, ";", ",");
   FileWriteString(h, signalId + ";" + result + ";" + IntegerToString((long)ticket) + ";" + DoubleToString(price, 8)
                   + ";" + IntegerToString((long)retcode) + ";" + clean + "\n");
   FileClose(h);
  }

//--- A deal of ours whose comment names the signal (last 7 days of history).
bool FindOwnDeal(const string signalId, ulong &ticket, double &price)
  {
   if(!HistorySelect(TimeCurrent() - 7 * 86400, TimeCurrent() + 60))
      return false;
   string comment = "te:" + signalId;
   for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
     {
      ulong deal = HistoryDealGetTicket(i);
      if(HistoryDealGetInteger(deal, DEAL_MAGIC) == InpMagic && HistoryDealGetString(deal, DEAL_COMMENT) == comment)
        {
         ticket = deal;
         price = HistoryDealGetDouble(deal, DEAL_PRICE);
         return true;
        }
     }
   return false;
  }

void ShowStatus()
  {
   Comment(StringFormat("SignalExecutor [%s]\nexecuted: %I64d   last error: %s", g_consumer, g_executed,
                        g_lastError == "" ? "none" : g_lastError));
  }
//+------------------------------------------------------------------+
