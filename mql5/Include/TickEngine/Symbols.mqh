//+------------------------------------------------------------------+
//| Symbols.mqh - broker symbol names <-> canonical names             |
//| ("EURUSD.m=EURUSD,XAUUSDm=XAUUSD"), and broker time to UTC.       |
//+------------------------------------------------------------------+
#property strict

#ifndef TICKENGINE_SYMBOLS_MQH
#define TICKENGINE_SYMBOLS_MQH

//--- The canonical name of a broker symbol: from the map when listed, else the broker name itself.
string TeCanonical(const string brokerSymbol, const string map)
  {
   string pairs[];
   int n = StringSplit(map, ',', pairs);
   for(int i = 0; i < n; i++)
     {
      string kv[];
      if(StringSplit(pairs[i], '=', kv) == 2)
        {
         StringTrimLeft(kv[0]);
         StringTrimRight(kv[0]);
         StringTrimLeft(kv[1]);
         StringTrimRight(kv[1]);
         if(kv[0] == brokerSymbol)
            return kv[1];
        }
     }
   return brokerSymbol;
  }

//--- The broker symbol of a canonical name (the reverse of TeCanonical).
string TeBrokerSymbol(const string canonical, const string map)
  {
   string pairs[];
   int n = StringSplit(map, ',', pairs);
   for(int i = 0; i < n; i++)
     {
      string kv[];
      if(StringSplit(pairs[i], '=', kv) == 2)
        {
         StringTrimLeft(kv[0]);
         StringTrimRight(kv[0]);
         StringTrimLeft(kv[1]);
         StringTrimRight(kv[1]);
         if(kv[1] == canonical)
            return kv[0];
        }
     }
   return canonical;
  }

//--- Broker server time minus UTC, in seconds: from the input when set (minutes), else measured and rounded
//--- to 15 minutes (TimeTradeServer and TimeGMT are read a moment apart).
int TeServerOffsetSeconds(const int inputMinutes)
  {
   if(inputMinutes != 0)
      return inputMinutes * 60;
   long measured = (long)(TimeTradeServer() - TimeGMT());
   return (int)(MathRound(measured / 900.0) * 900);
  }

#endif
